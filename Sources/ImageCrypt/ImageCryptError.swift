import HermeticCore

/// A failure encrypting or decrypting an image.
///
/// The ``code`` is stable and compared in tests; the ``message`` names the layer, annotation or member at fault and
/// never carries key material.
public struct ImageCryptError: ClassifiedError, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// An annotation, option document or argument is not of the form ocicrypt writes.
        case malformed
        /// A cipher, key-wrapping scheme or media type this implementation does not handle.
        case unsupported
        /// None of the given keys unwraps the layer key.
        case noUsableKey
        /// The layer's HMAC or the decrypted layer's digest does not match: the layer or its annotations were altered.
        case integrity
        /// The key broker could not be reached or refused.
        case keyProvider
    }

    /// What went wrong.
    public let code: Code
    /// What, exactly.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A wrong key or altered content is rejected (1); an unreachable broker is like missing collateral (3);
    /// everything else is bad input (2).
    public var kind: FailureKind {
        switch code {
        case .noUsableKey, .integrity: .rejected
        case .keyProvider: .collateralUnavailable
        case .malformed, .unsupported: .malformed
        }
    }

    /// One line: the code and the message.
    public var description: String { "image \(code.rawValue): \(message)" }

    /// Errors are equal when their codes are.
    public static func == (lhs: ImageCryptError, rhs: ImageCryptError) -> Bool { lhs.code == rhs.code }
}
