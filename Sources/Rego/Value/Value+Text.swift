/// Rego source text of values, as `print`, `sprintf("%v")` and error messages show them.
extension Value {
    /// The value in Rego syntax: JSON, except that sets print as `{1, 2}` and the empty set as `set()`.
    public var regoText: String {
        switch self {
        case .null, .bool, .number: return jsonText
        case .string: return jsonText
        case .array(let elements): return "[" + elements.map(\.regoText).joined(separator: ", ") + "]"
        case .set(let set):
            if set.isEmpty { return "set()" }
            return "{" + set.elements.map(\.regoText).joined(separator: ", ") + "}"
        case .object(let object):
            return "{" + object.entries.map { "\($0.key.regoText): \($0.value.regoText)" }.joined(separator: ", ") + "}"
        }
    }

    /// How `print` shows an operand: strings bare, everything else as Rego text.
    public var printText: String {
        if case .string(let s) = self { return s }
        return regoText
    }
}
