/// Why the store could not do what was asked.
public struct StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The failure classes.
    public enum Code: String, Sendable {
        /// The database could not be opened, read or written.
        case unavailable
        /// The key-encryption key is missing, unreadable or the wrong size.
        case keyEncryptionKey
        /// Stored data failed its integrity check (wrong KEK, or edited at rest).
        case integrity
        /// A record is not in the expected form.
        case corrupt
    }

    /// The failure class.
    public let code: Code
    /// What failed; never a secret.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "store \(code.rawValue): \(message)" }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
}
