import HermeticCore

/// Why an init-data document could not be read.
public struct InitDataError: ClassifiedError, Hashable {
    /// What is wrong with the document.
    public enum Code: String, Sendable, Hashable {
        /// The bytes are not UTF-8 text.
        case notText
        /// The text is not valid TOML.
        case invalidTOML
        /// A required field (`version`, `algorithm`, `data`) is absent.
        case missingField
        /// A field has the wrong type (`data` not a table of strings, `version` not a string).
        case wrongType
        /// `version` is not the one format version there is (`0.1.0`).
        case unsupportedVersion
        /// `algorithm` names no supported hash.
        case unsupportedAlgorithm
        /// The digest does not fit where it was asked to go (a PCR extend needs a SHA-256 digest).
        case unsupportedBinding
    }

    /// What is wrong.
    public let code: Code
    /// One line naming the problem.
    public let description: String

    /// Init-data is input: every problem is ``FailureKind/malformed``.
    public var kind: FailureKind { .malformed }

    /// An error with its code and message.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
