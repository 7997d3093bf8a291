import HermeticCore

/// A failure unpacking an image into a root file system.
///
/// The ``code`` is stable and compared in tests; the ``message`` names the layer entry at fault.
public struct UnpackError: ClassifiedError, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A layer is not a valid (gzip) tar stream.
        case malformed
        /// An entry would write outside the root: `..`, an absolute or escaping symlink target, a hard link out, or a
        /// path through a symlink.
        case escape
        /// An entry type or media type that is not handled (an encrypted layer, for one).
        case unsupported
        /// The file system refused an operation.
        case io
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

    /// An escape attempt is rejected; the rest is bad input.
    public var kind: FailureKind { code == .escape ? .rejected : .malformed }

    /// One line: the code and the message.
    public var description: String { "unpack \(code.rawValue): \(message)" }

    /// Errors are equal when their codes are.
    public static func == (lhs: UnpackError, rhs: UnpackError) -> Bool { lhs.code == rhs.code }
}
