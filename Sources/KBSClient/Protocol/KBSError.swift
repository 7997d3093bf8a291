import HermeticCore

/// An error as the KBS protocol reports it: Trustee's `ErrorInformation` JSON with Trustee's status codes (404 for
/// an unknown path or plugin, 401 for nearly everything else, so guests re-run RCAR as they expect), and a `detail`
/// that names what failed. Details never carry secrets or tokens.
public struct KBSError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The error variants, named as Trustee's `kbs::Error` names them.
    public enum Variant: String, Sendable {
        case adminAuthInitialization = "AdminAuthInitialization"
        case adminAuthAccess = "AdminAuthAccess"
        case attestationError = "AttestationError"
        case httpFailed = "HTTPFailed"
        case invalidRequestPath = "InvalidRequestPath"
        case jweError = "JweError"
        case pluginNotFound = "PluginNotFound"
        case pluginInternalError = "PluginInternalError"
        case policyDeny = "PolicyDeny"
        case parsePolicyError = "ParsePolicyError"
        case policyEngineError = "PolicyEngineError"
        case rvpsError = "RvpsError"
        case serdeError = "SerdeError"
        case tokenNotFound = "TokenNotFound"
        case tokenVerifierError = "TokenVerifierError"
    }

    /// The variant.
    public let variant: Variant
    /// What failed.
    public let detail: String
    /// The HTTP status.
    public let status: Int

    /// Creates an error; the status follows Trustee's rule unless given.
    public init(_ variant: Variant, _ detail: String, status: Int? = nil) {
        self.variant = variant
        self.detail = detail
        self.status = status ?? ((variant == .invalidRequestPath || variant == .pluginNotFound) ? 404 : 401)
    }

    /// The `type` member: `https://github.com/confidential-containers/kbs/errors/<Variant>`.
    public var type: String { "https://github.com/confidential-containers/kbs/errors/\(variant.rawValue)" }

    /// The `ErrorInformation` body.
    public var json: JSONValue { .object(["type": .string(type), "detail": .string(detail)]) }

    public var description: String { "\(variant.rawValue) (\(status)): \(detail)" }

    public static func == (lhs: KBSError, rhs: KBSError) -> Bool { lhs.variant == rhs.variant && lhs.status == rhs.status }
}
