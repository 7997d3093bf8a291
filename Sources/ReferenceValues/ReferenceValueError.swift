import HermeticCore

/// Why a reference value document, message or store could not be used.
///
/// It prints as one line starting with `reference values:`. Equality compares the ``code`` only.
public struct ReferenceValueError: ClassifiedError, Equatable {
    /// What is wrong, as a stable code.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The text is not the JSON shape expected (a message, a payload, a store file, a signed document).
        case malformed
        /// A Trustee RVPS message of a type Hermetic does not ingest.
        case unsupportedType = "unsupported_type"
        /// The signature of a signed document does not verify with any configured key.
        case signature
        /// The key file is not a usable public or private key.
        case key
        /// A time is not RFC 3339.
        case time
        /// The store file cannot be read or written.
        case store
        /// No reference value has this id.
        case notFound = "not_found"
    }

    /// What is wrong.
    public let code: Code
    /// The message, without the prefix.
    public let message: String

    /// An error with its code and a message naming what is wrong.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A bad signature is a rejection; a missing id is a missing input; everything else is malformed input.
    public var kind: FailureKind {
        switch code {
        case .signature: .rejected
        default: .malformed
        }
    }

    /// Errors are equal when their codes are.
    public static func == (lhs: ReferenceValueError, rhs: ReferenceValueError) -> Bool { lhs.code == rhs.code }

    /// `reference values: <message>`.
    public var description: String { "reference values: \(message)" }
}
