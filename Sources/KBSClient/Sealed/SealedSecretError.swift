/// Why a sealed secret was not opened.
public struct SealedSecretError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure classes.
    public enum Code: String, Sendable, Hashable {
        /// Not `sealed.<header>.<payload>.<signature>` with base64url parts and JSON header and payload.
        case malformed
        /// The payload's `version` is not one this client reads.
        case version
        /// A `type` or `provider` this client does not open.
        case unsupported
        /// The signature does not verify, or the header names no usable key.
        case signature
        /// A `kbs://` URI that does not name a resource.
        case resourceURI
        /// An envelope whose data does not decrypt with its key.
        case decryption
    }

    /// The class.
    public let code: Code
    /// What is wrong; never the secret.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "sealed secret \(code.rawValue): \(message)" }
}
