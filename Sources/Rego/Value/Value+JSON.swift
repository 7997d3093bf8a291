/// JSON text of values. Sets become arrays, object keys that are not strings become their JSON text, as OPA's
/// `ast.JSON` conversion does.
extension Value {
    /// Compact JSON with object keys in sorted order.
    public var jsonText: String {
        var out = ""
        writeJSON(into: &out, pretty: false, indent: 0)
        return out
    }

    /// JSON text; `pretty` puts each member on its own line, indented by two spaces per level.
    public func jsonText(pretty: Bool) -> String {
        var out = ""
        writeJSON(into: &out, pretty: pretty, indent: 0)
        return out
    }

    func writeJSON(into out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.jsonText
        case .string(let s): Value.writeJSONString(s, into: &out)
        case .array(let elements): Value.writeJSONArray(elements, into: &out, pretty: pretty, indent: indent)
        case .set(let set): Value.writeJSONArray(set.elements, into: &out, pretty: pretty, indent: indent)
        case .object(let object):
            if object.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                if case .string(let key) = entry.key {
                    Value.writeJSONString(key, into: &out)
                } else {
                    Value.writeJSONString(entry.key.jsonText, into: &out)
                }
                out += pretty ? ": " : ":"
                entry.value.writeJSON(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    static func writeJSONArray(_ elements: [Value], into out: inout String, pretty: Bool, indent: Int) {
        if elements.isEmpty {
            out += "[]"
            return
        }
        out += "["
        for (index, element) in elements.enumerated() {
            if index > 0 { out += "," }
            if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
            element.writeJSON(into: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { out += "\n" + String(repeating: "  ", count: indent) }
        out += "]"
    }

    /// Writes `s` as a JSON string literal, escaping as Go's `encoding/json` does (`<`, `>` and `&` included).
    static func writeJSONString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += "\\u" + hex4(scalar.value)
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
