/// An error compiling or evaluating Rego, with OPA's error code.
public struct RegoError: Error, Sendable, CustomStringConvertible {
    /// OPA's error codes.
    public enum Code: String, Sendable {
        case parse = "rego_parse_error"
        case compile = "rego_compile_error"
        case unsafeVariable = "rego_unsafe_var_error"
        case recursion = "rego_recursion_error"
        case type = "rego_type_error"
        case evalType = "eval_type_error"
        case evalBuiltin = "eval_builtin_error"
        case evalConflict = "eval_conflict_error"
        case evalCancel = "eval_cancel_error"
        case internalError = "eval_internal_error"
    }

    /// The error code.
    public let code: Code
    /// What went wrong.
    public let message: String
    /// Where, when known.
    public let location: Location?

    /// An error.
    public init(code: Code, message: String, location: Location?) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// OPA's text form: `file:line: code: message`, with the column too for parse errors.
    public var description: String {
        guard let location else { return "\(code.rawValue): \(message)" }
        if code == .parse || code == .compile || code == .unsafeVariable || code == .recursion || code == .type {
            return "\(location.file):\(location.line):\(location.column): \(code.rawValue): \(message)"
        }
        return "\(location.file):\(location.line): \(code.rawValue): \(message)"
    }
}
