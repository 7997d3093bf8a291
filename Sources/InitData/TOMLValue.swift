/// A TOML 1.0 value, as ``TOMLReader`` reads it.
public enum TOMLValue: Sendable, Hashable {
    /// A string of any of the four kinds.
    case string(String)
    /// An integer (decimal, hexadecimal, octal or binary).
    case integer(Int64)
    /// A float, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An array, of any values.
    case array([TOMLValue])
    /// A table: a `[header]` section, an inline table or the implicit parent of a dotted key.
    case table([String: TOMLValue])

    /// The string, when this is one.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The members, when this is a table.
    public var table: [String: TOMLValue]? {
        if case .table(let members) = self { return members }
        return nil
    }
}
