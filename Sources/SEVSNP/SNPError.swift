import HermeticCore

/// An error from parsing, verifying or validating SEV-SNP evidence.
///
/// It prints as one line that starts with `snp:` and names the failed check with the values involved. Equality
/// compares the ``code`` only.
public struct SNPError: ClassifiedError, Equatable {
    /// The failed check, as a stable code; its raw value is what `--json` output calls the check.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The report bytes are truncated, oversized or violate the ABI layout.
        case malformedReport = "report_format"
        /// The evidence container (JSON, certificate table) does not parse.
        case malformedEvidence = "evidence_format"
        /// A collateral file (certificate, chain, CRL, store) does not parse.
        case malformedCollateral = "collateral_format"
        /// The policy file does not parse.
        case malformedPolicy = "policy_format"
        /// The processor product cannot be determined, or its sources disagree.
        case product
        /// No VCEK or VLEK for this report is at hand.
        case endorsementKeyUnavailable = "endorsement_key_unavailable"
        /// The endorsement key's kind does not match the report's signer field.
        case signerKind = "signer_kind"
        /// A certificate of the chain is not signed by its issuer, or the root is not trusted.
        case certificateChain = "certificate_chain"
        /// A certificate of the chain is outside its validity window.
        case certificateValidity = "certificate_validity"
        /// A certificate of the chain is revoked, or the CRL itself is bad or stale.
        case revocation
        /// The endorsement key's TCB extensions differ from the report's reported TCB.
        case tcbMismatch = "tcb_mismatch"
        /// The VCEK's hwID differs from the report's chip ID.
        case chipIDMismatch = "chip_id_mismatch"
        /// The report signature does not verify, or its algorithm is not ECDSA P-384.
        case signature
        /// REPORT_DATA differs from the expected value.
        case reportData = "report_data"
        /// HOST_DATA differs from the expected init-data digest.
        case hostData = "host_data"
        /// A field violates the validation policy.
        case policy
    }

    /// The failed check.
    public let code: Code
    /// The one-line message, without the `snp:` prefix.
    public let message: String

    /// Creates an error for `code` with a message that names the values involved.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var kind: FailureKind {
        switch code {
        case .malformedReport, .malformedEvidence, .malformedCollateral, .malformedPolicy: return .malformed
        case .endorsementKeyUnavailable: return .collateralUnavailable
        default: return .rejected
        }
    }

    public var description: String { "snp: " + message }

    public static func == (lhs: SNPError, rhs: SNPError) -> Bool { lhs.code == rhs.code }
}
