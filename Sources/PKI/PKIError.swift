import HermeticCore

/// An error from reading or checking a certificate or CRL.
///
/// Equality compares the ``code`` only, so tests can match on it while the message carries the details.
public struct PKIError: ClassifiedError, Equatable {
    /// What went wrong, as a stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String { case malformed, unsupportedAlgorithm, badSignature }
        fileprivate let value: Value
        /// The DER structure could not be read.
        public static let malformed = Code(value: .malformed)
        /// A signature or key algorithm this reader does not implement.
        public static let unsupportedAlgorithm = Code(value: .unsupportedAlgorithm)
        /// A signature that does not verify.
        public static let badSignature = Code(value: .badSignature)
        public var description: String { value.rawValue }
    }

    /// The stable code.
    public let code: Code
    /// A one-line reason naming the offending structure or value.
    public let reason: String

    public var kind: FailureKind { code == .badSignature ? .rejected : .malformed }
    public var description: String { reason }

    public static func == (lhs: PKIError, rhs: PKIError) -> Bool { lhs.code == rhs.code }

    static func malformed(_ reason: String) -> PKIError { PKIError(code: .malformed, reason: reason) }
    static func unsupported(_ reason: String) -> PKIError { PKIError(code: .unsupportedAlgorithm, reason: reason) }
}
