import HermeticCore

/// An error from reading, verifying or validating TPM 2.0 evidence.
///
/// It prints as one line that starts with `tpm:` and names the failed check. Equality compares the ``code`` only.
public struct TPMError: ClassifiedError, Equatable {
    /// The failed check, as a stable code; its raw value is what `--json` output calls the check.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A TPM structure (TPMS_ATTEST, TPMT_SIGNATURE, TPMT_PUBLIC, a PCR file) is truncated or violates its layout.
        case malformedStructure = "structure_format"
        /// The evidence container (Trustee JSON, go-tpm-tools protobuf, Hermetic JSON) does not parse.
        case malformedEvidence = "evidence_format"
        /// A key or certificate file given as collateral does not parse.
        case malformedCollateral = "collateral_format"
        /// An algorithm, curve or structure type this verifier does not implement.
        case unsupported
        /// No attestation key to verify with: none given, and no AK certificate chains to a given root.
        case collateralUnavailable = "collateral_unavailable"
        /// TPMS_ATTEST.magic is not TPM_GENERATED_VALUE.
        case magic
        /// TPMS_ATTEST.type is not TPM_ST_ATTEST_QUOTE.
        case attestType = "attest_type"
        /// The qualified signer is not a well-formed name.
        case qualifiedSigner = "qualified_signer"
        /// The quote signature does not verify with the attestation key.
        case quoteSignature = "quote_signature"
        /// The attestation key in the evidence differs from the one the operator trusts.
        case attestationKey = "attestation_key"
        /// The AK certificate does not chain to a trusted root, is outside its validity, or names another key.
        case certificateChain = "certificate_chain"
        /// The PCR values supplied do not cover the quote's selection.
        case pcrSelection = "pcr_selection"
        /// The PCR digest recomputed from the supplied values differs from the quoted one.
        case pcrDigest = "pcr_digest"
        /// extraData differs from the expected nonce.
        case reportData = "report_data"
        /// PCR 8 does not bind the expected init-data digest.
        case initData = "init_data"
        /// The event log does not replay to the quoted PCR values.
        case eventLogReplay = "eventlog_replay"
        /// A TPM command failed or its transport broke.
        case command
    }

    /// The failed check.
    public let code: Code
    /// The one-line message, without the prefix.
    public let message: String
    /// The prefix, normally `tpm` (the Azure verifiers report as `az-snp-vtpm` and `az-tdx-vtpm`).
    public let prefix: String

    /// Creates an error.
    public init(_ code: Code, _ message: String, prefix: String = "tpm") {
        self.code = code
        self.message = message
        self.prefix = prefix
    }

    /// The same error reported under another prefix.
    public func reported(as prefix: String) -> TPMError { TPMError(code, message, prefix: prefix) }

    public var kind: FailureKind {
        switch code {
        case .malformedStructure, .malformedEvidence, .malformedCollateral, .unsupported, .command: return .malformed
        case .collateralUnavailable: return .collateralUnavailable
        default: return .rejected
        }
    }

    public var description: String { "\(prefix): \(code.rawValue): \(message)" }

    public static func == (lhs: TPMError, rhs: TPMError) -> Bool { lhs.code == rhs.code }
}
