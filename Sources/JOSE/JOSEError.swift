/// Why a JOSE object could not be read, built or opened.
///
/// The ``code`` is stable and compared in tests; the ``message`` names the offending field or value.
public struct JOSEError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The failure classes.
    public enum Code: String, Sendable {
        /// The object is not well-formed (bad base64, missing field, wrong size).
        case malformed
        /// The algorithm, curve or key type is not one this implementation accepts.
        case unsupportedAlgorithm
        /// The key does not fit the object (another curve, another key type).
        case keyMismatch
        /// Authenticated decryption or key unwrapping failed: the object was tampered with or sent to another key.
        case decryptionFailed
        /// An underlying cryptographic operation failed.
        case cryptoFailure
    }

    /// The failure class.
    public let code: Code
    /// What is wrong, naming the field.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "JOSE \(code.rawValue): \(message)" }

    public static func == (lhs: JOSEError, rhs: JOSEError) -> Bool { lhs.code == rhs.code }
}
