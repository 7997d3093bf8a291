import HermeticCore

/// Why an EAR token could not be issued or verified, or a policy could not appraise claims.
public struct EARError: ClassifiedError, Equatable {
    /// The failure classes.
    public enum Code: String, Sendable {
        /// The token is not a well-formed, correctly signed JWT from a trusted key.
        case invalidToken
        /// The token's `exp` has passed (or `iat` is in the future).
        case expired
        /// The appraisal policy failed to compile or evaluate, or produced no trust vector.
        case policy
        /// A signing key could not be read or used.
        case signingKey
    }

    /// The failure class.
    public let code: Code
    /// What failed.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var kind: FailureKind {
        switch code {
        case .invalidToken, .expired: .rejected
        case .policy, .signingKey: .malformed
        }
    }

    public var description: String { "EAR \(code.rawValue): \(message)" }

    public static func == (lhs: EARError, rhs: EARError) -> Bool { lhs.code == rhs.code }
}
