/// `yaml.*`: YAML text in go-yaml v2's block style, and YAML reading through `YAMLReader`.
extension EncodingBuiltins {
    static let yamlBuiltins: [Builtin] = [
        Builtin("yaml.marshal", arity: 1) { args, _ in .string(YAMLWriter.text(of: args[0])) },
        Builtin("yaml.unmarshal", arity: 1) { args, _ in
            do {
                return try YAMLReader.parse(try args.string(0))
            } catch let error as YAMLReader.SyntaxError {
                throw BuiltinError.failure(error.message)
            }
        },
        Builtin("yaml.is_valid", arity: 1) { args, _ in
            guard case .string(let text) = args[0] else { return .bool(false) }
            return .bool((try? YAMLReader.parse(text)) != nil)
        },
    ]
}

/// Writes values as block YAML: mappings with sorted keys, sequences as `- ` entries (not indented under a key),
/// empty collections in flow form, and strings quoted only when they would otherwise read back as something else.
enum YAMLWriter {
    /// The YAML document for `value`, ending in a line break.
    static func text(of value: Value) -> String {
        block(value, indent: 0).joined(separator: "\n") + "\n"
    }

    /// The lines of `value` written at `indent` spaces; scalars and empty collections are a single line.
    private static func block(_ value: Value, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let object) where !object.isEmpty:
            var lines: [String] = []
            for entry in GoJSONWriter.stringKeyedEntries(object) {
                let key = pad + scalar(.string(entry.key)) + ":"
                switch entry.value {
                case .object(let nested) where !nested.isEmpty:
                    lines.append(key)
                    lines += block(entry.value, indent: indent + 2)
                case .array(let nested) where !nested.isEmpty:
                    lines.append(key)
                    lines += block(entry.value, indent: indent)
                case .set(let nested) where !nested.isEmpty:
                    lines.append(key)
                    lines += block(entry.value, indent: indent)
                default:
                    lines.append(key + " " + scalar(entry.value))
                }
            }
            return lines
        case .array(let elements) where !elements.isEmpty:
            return sequence(elements, indent: indent)
        case .set(let set) where !set.isEmpty:
            return sequence(set.elements, indent: indent)
        default:
            return [pad + scalar(value)]
        }
    }

    private static func sequence(_ elements: [Value], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for element in elements {
            var nested = block(element, indent: indent + 2)
            if let first = nested.first {
                nested[0] = pad + "- " + first.dropFirst(indent + 2)
            }
            lines += nested
        }
        return lines
    }

    /// A scalar or empty collection on one line.
    private static func scalar(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.jsonText
        case .string(let text): return canBePlain(text) ? text : quoted(text)
        case .array, .set: return "[]"
        case .object: return "{}"
        }
    }

    /// Whether `text` reads back as the same string when written without quotes.
    static func canBePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@` \t".unicodeScalars.contains(first) || last == " " || last == ":" { return false }
        if text.contains(": ") || text.contains(" #") || text.hasPrefix("...") { return false }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value >= 0x80 && $0.value < 0xA0 }) {
            return false
        }
        if case .string = YAMLScalar.resolve(Substring(text)) { return true }
        return false
    }

    /// A double-quoted scalar with JSON-style escapes.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                    let digits = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
