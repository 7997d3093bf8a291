import HermeticCore

/// A failure reading or writing an OCI image layout or talking to a registry.
///
/// The ``code`` is stable and compared in tests; the ``message`` names the file, digest or member at fault.
public struct OCIError: ClassifiedError, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A file or document is not what the OCI image specification says it is.
        case malformed
        /// Something asked for is not there (a tag, a blob, a layout).
        case notFound
        /// Content does not match its digest or size.
        case digestMismatch
        /// The operation is not supported (a digest algorithm, a media type).
        case unsupported
        /// Reading or writing the file system failed.
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

    /// Content that does not match its digest is rejected; everything else is bad input.
    public var kind: FailureKind { code == .digestMismatch ? .rejected : .malformed }

    /// One line: the code and the message.
    public var description: String { "OCI \(code.rawValue): \(message)" }

    /// Errors are equal when their codes are.
    public static func == (lhs: OCIError, rhs: OCIError) -> Bool { lhs.code == rhs.code }
}
