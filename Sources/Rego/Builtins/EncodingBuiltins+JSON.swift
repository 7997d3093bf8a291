/// `json.*`: JSON text as Go's `encoding/json` writes it for OPA's values, and JSON reading.
extension EncodingBuiltins {
    static let jsonBuiltins: [Builtin] = [
        Builtin("json.marshal", arity: 1) { args, _ in .string(GoJSONWriter.text(of: args[0])) },
        Builtin("json.marshal_with_options", arity: 2) { args, _ in
            let options = try JSONMarshalOptions(try args.object(1))
            guard options.pretty else { return .string(GoJSONWriter.text(of: args[0])) }
            let layout = GoJSONWriter.Indentation(prefix: options.prefix, indent: options.indent)
            return .string(options.prefix + GoJSONWriter.text(of: args[0], indentation: layout))
        },
        Builtin("json.unmarshal", arity: 1) { args, _ in
            do {
                return try JSONReader.parse(try args.string(0))
            } catch let error as JSONReader.SyntaxError {
                throw BuiltinError.failure(error.description)
            }
        },
        Builtin("json.is_valid", arity: 1) { args, _ in
            guard case .string(let text) = args[0] else { return .bool(false) }
            return .bool((try? JSONReader.parse(text)) != nil)
        },
    ]
}

/// The second operand of `json.marshal_with_options`. Setting `prefix` or `indent` turns on pretty printing unless
/// `pretty` says otherwise.
struct JSONMarshalOptions: Sendable {
    var pretty = false
    var prefix = ""
    var indent = "\t"

    init(_ object: ObjectValue) throws(BuiltinError) {
        var prettySet = false
        var layoutSet = false
        for (key, value) in object.entries {
            switch (key, value) {
            case (.string("pretty"), .bool(let flag)):
                pretty = flag
                prettySet = true
            case (.string("prefix"), .string(let text)):
                prefix = text
                layoutSet = true
            case (.string("indent"), .string(let text)):
                indent = text
                layoutSet = true
            case (.string("pretty"), _):
                throw BuiltinError(kind: .type, message: "operand 2 pretty must be a boolean")
            case (.string("prefix"), _), (.string("indent"), _):
                throw BuiltinError(kind: .type, message: "operand 2 \(key.stringValue ?? "") must be a string")
            default:
                throw BuiltinError(kind: .type, message: "operand 2 object contained unknown key \(key.regoText)")
            }
        }
        if !prettySet && layoutSet { pretty = true }
    }
}

/// Writes values as Go's `json.Marshal` and `json.MarshalIndent` write OPA's JSON form of them: sets as arrays,
/// object keys as strings (non-string keys by their JSON text) in byte order, HTML characters escaped.
enum GoJSONWriter {
    /// The line layout of `json.MarshalIndent`.
    struct Indentation: Sendable {
        /// Written at the start of every line after the first.
        let prefix: String
        /// Written once per nesting level.
        let indent: String
    }

    /// The JSON text of `value`, compact unless `indentation` is given.
    static func text(of value: Value, indentation: Indentation? = nil) -> String {
        var out = ""
        write(value, into: &out, indentation: indentation, depth: 0)
        return out
    }

    /// An object's entries keyed by strings as Go's map conversion makes them; a later key with the same text
    /// replaces an earlier one.
    static func stringKeyedEntries(_ object: ObjectValue) -> [(key: String, value: Value)] {
        var byKey: [String: Value] = [:]
        for (key, value) in object.entries {
            if case .string(let text) = key {
                byKey[text] = value
            } else {
                byKey[GoJSONWriter.text(of: key)] = value
            }
        }
        return byKey.map { (key: $0.key, value: $0.value) }.sorted { Value.compareUTF8($0.key, $1.key) < 0 }
    }

    private static func newline(_ out: inout String, _ indentation: Indentation?, depth: Int) {
        guard let indentation else { return }
        out += "\n" + indentation.prefix
        for _ in 0..<depth { out += indentation.indent }
    }

    private static func write(_ value: Value, into out: inout String, indentation: Indentation?, depth: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += number.jsonText
        case .string(let text): writeString(text, into: &out)
        case .array(let elements): writeArray(elements, into: &out, indentation: indentation, depth: depth)
        case .set(let set): writeArray(set.elements, into: &out, indentation: indentation, depth: depth)
        case .object(let object):
            let entries = stringKeyedEntries(object)
            if entries.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (index, entry) in entries.enumerated() {
                if index > 0 { out += "," }
                newline(&out, indentation, depth: depth + 1)
                writeString(entry.key, into: &out)
                out += indentation == nil ? ":" : ": "
                write(entry.value, into: &out, indentation: indentation, depth: depth + 1)
            }
            newline(&out, indentation, depth: depth)
            out += "}"
        }
    }

    private static func writeArray(_ elements: [Value], into out: inout String, indentation: Indentation?, depth: Int) {
        if elements.isEmpty {
            out += "[]"
            return
        }
        out += "["
        for (index, element) in elements.enumerated() {
            if index > 0 { out += "," }
            newline(&out, indentation, depth: depth + 1)
            write(element, into: &out, indentation: indentation, depth: depth + 1)
        }
        newline(&out, indentation, depth: depth)
        out += "]"
    }

    /// A JSON string literal with Go's escapes: `\b`, `\f`, `\n`, `\r`, `\t`, `\u00XX` for other controls, and
    /// `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`.
    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}":
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
