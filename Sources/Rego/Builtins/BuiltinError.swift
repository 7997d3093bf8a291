/// Why a builtin call failed. The evaluator prefixes the builtin's name and the call's location.
public struct BuiltinError: Error, Sendable, Equatable {
    /// The OPA error class: an operand of the wrong type, or any other failure of the builtin.
    public enum Kind: Sendable, Equatable {
        /// `eval_type_error`.
        case type
        /// `eval_builtin_error`.
        case builtin
    }

    /// The error class.
    public let kind: Kind
    /// The message after the builtin's name, e.g. `operand 1 must be string but got number`.
    public let message: String

    /// An error of the given kind and message.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Operand `position` (1-based) has the wrong type: `operand 1 must be string but got number`.
    public static func operand(_ position: Int, mustBe expected: String, got value: Value) -> BuiltinError {
        BuiltinError(kind: .type, message: "operand \(position) must be \(expected) but got \(value.typeName)")
    }

    /// Any other failure, with OPA's wording where tests match it.
    public static func failure(_ message: String) -> BuiltinError {
        BuiltinError(kind: .builtin, message: message)
    }
}
