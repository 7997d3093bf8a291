import HermeticCore

/// An error from parsing, verifying or validating an Intel TDX or SGX quote and its DCAP collateral.
///
/// It prints as one line that starts with `tdx:` (or `sgx:`) and names the failed check with the values involved.
/// Equality compares the ``code`` only.
public struct TDXError: ClassifiedError, Equatable {
    /// The failed check, as a stable code; its raw value is what `--json` output calls the check.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The quote bytes are truncated or violate the layout.
        case malformedQuote = "quote_format"
        /// The evidence container (Trustee JSON, hex) does not parse.
        case malformedEvidence = "evidence_format"
        /// A collateral file (TCB info, QE identity, chain, CRL, dcap-qvl JSON) does not parse.
        case malformedCollateral = "collateral_format"
        /// The policy file does not parse.
        case malformedPolicy = "policy_format"
        /// The CC event log does not parse.
        case malformedEventLog = "eventlog_format"
        /// A quote version, TEE type, key type or certification data type this verifier does not implement.
        case unsupported
        /// The collateral needed for this quote (TCB info for its FMSPC, QE identity, a CRL) is not at hand.
        case collateralUnavailable = "collateral_unavailable"
        /// A certificate is not signed by its issuer, or does not chain to the trusted Intel root.
        case certificateChain = "certificate_chain"
        /// A certificate, CRL, TCB info or QE identity is outside its validity window.
        case collateralExpired = "collateral_expired"
        /// A certificate of the chain is revoked.
        case revocation
        /// The TCB info or QE identity signature does not verify.
        case collateralSignature = "collateral_signature"
        /// The quote signature by the attestation key does not verify.
        case quoteSignature = "quote_signature"
        /// The QE report signature by the PCK does not verify.
        case qeReportSignature = "qe_report_signature"
        /// The QE report does not bind the attestation key and QE authentication data.
        case qeBinding = "qe_binding"
        /// The QE report does not match the QE identity (MRSIGNER, ISVPRODID, MISCSELECT, ATTRIBUTES).
        case qeIdentity = "qe_identity"
        /// The TDX module (MRSIGNERSEAM, SEAMATTRIBUTES) does not match the TCB info's module identity.
        case tdxModule = "tdx_module"
        /// No TCB level of the TCB info matches the platform, the module or the QE: the TCB is not supported.
        case tcbLevel = "tcb_level"
        /// The TCB status or its advisories are not accepted by the policy.
        case tcbStatus = "tcb_status"
        /// REPORT_DATA differs from the expected value.
        case reportData = "report_data"
        /// MRCONFIGID (or SGX CONFIGID) differs from the expected init-data digest.
        case initData = "init_data"
        /// A field violates the validation policy.
        case policy
        /// The event log does not replay to the quote's RTMRs.
        case eventLogReplay = "eventlog_replay"
    }

    /// The failed check.
    public let code: Code
    /// The one-line message, without the prefix.
    public let message: String
    /// The prefix: `tdx` or `sgx`.
    public let tee: String

    /// Creates an error for `code` with a message that names the values involved.
    public init(_ code: Code, _ message: String, tee: String = "tdx") {
        self.code = code
        self.message = message
        self.tee = tee
    }

    /// Malformed input and unsupported formats are `.malformed`, missing collateral `.collateralUnavailable`,
    /// every failed check `.rejected`.
    public var kind: FailureKind {
        switch code {
        case .malformedQuote, .malformedEvidence, .malformedCollateral, .malformedPolicy, .malformedEventLog, .unsupported:
            return .malformed
        case .collateralUnavailable: return .collateralUnavailable
        default: return .rejected
        }
    }

    /// The message with its `tdx:` or `sgx:` prefix.
    public var description: String { tee + ": " + message }

    /// The same error, printed with the prefix of `tee` (`tdx` or `sgx`).
    public func reported(as tee: String) -> TDXError { TDXError(code, message, tee: tee) }

    /// Errors are equal when their codes are.
    public static func == (lhs: TDXError, rhs: TDXError) -> Bool { lhs.code == rhs.code }
}
