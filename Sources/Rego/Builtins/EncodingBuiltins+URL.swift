/// `urlquery.*`: query-component escaping as Go's `net/url` does it.
extension EncodingBuiltins {
    static let urlBuiltins: [Builtin] = [
        Builtin("urlquery.encode", arity: 1) { args, _ in .string(queryEscape(try args.string(0))) },
        Builtin("urlquery.decode", arity: 1) { args, _ in .string(try queryUnescape(try args.string(0))) },
        Builtin("urlquery.encode_object", arity: 1) { args, _ in .string(try encodeQueryObject(try args.object(0))) },
        Builtin("urlquery.decode_object", arity: 1) { args, _ in try decodeQueryObject(try args.string(0)) },
    ]

    /// Go's `url.QueryEscape`: letters, digits and `-_.~` stay, a space becomes `+`, every other byte `%XX`.
    static func queryEscape(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's `url.QueryUnescape`: `+` is a space and `%` must start two hex digits.
    static func queryUnescape(_ text: String) throws(BuiltinError) -> String {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "%"):
                guard index + 2 < input.count, let high = hexDigitValue(input[index + 1]),
                      let low = hexDigitValue(input[index + 2]) else {
                    let escape = String(decoding: input[index..<min(index + 3, input.count)], as: UTF8.self)
                    throw BuiltinError.failure("invalid URL escape \(goQuoted(escape))")
                }
                out.append(high << 4 | low)
                index += 3
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                index += 1
            default:
                out.append(input[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's `url.Values.Encode` of an object whose values are strings or arrays or sets of strings: keys sorted,
    /// repeated keys for several values.
    static func encodeQueryObject(_ object: ObjectValue) throws(BuiltinError) -> String {
        var pairs: [(key: String, values: [String])] = []
        for (key, value) in object.entries {
            guard case .string(let name) = key else {
                throw BuiltinError.operand(1, mustBe: "object[string: any<string, array[string], set[string]>]",
                                           got: .object(object))
            }
            if case .string(let single) = value {
                pairs.append((name, [single]))
                continue
            }
            guard let elements = membersOfArrayOrSet(value) else {
                throw BuiltinError.failure("encode_object: values must be strings, arrays of strings or sets of strings")
            }
            var strings: [String] = []
            for element in elements {
                guard case .string(let text) = element else {
                    throw BuiltinError.failure("encode_object: array and set values must be strings")
                }
                strings.append(text)
            }
            pairs.append((name, strings))
        }
        pairs.sort { Value.compareUTF8($0.key, $1.key) < 0 }
        var parts: [String] = []
        for pair in pairs {
            for value in pair.values { parts.append(queryEscape(pair.key) + "=" + queryEscape(value)) }
        }
        return parts.joined(separator: "&")
    }

    /// Go's `url.ParseQuery`: `&`-separated `key=value` pairs, each key mapping to the array of its values.
    static func decodeQueryObject(_ query: String) throws(BuiltinError) -> Value {
        var result = ObjectValue()
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            if part.contains(";") { throw BuiltinError.failure("invalid semicolon separator in query") }
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try queryUnescape(String(pieces[0]))
            let value = pieces.count > 1 ? try queryUnescape(String(pieces[1])) : ""
            var values: [Value] = []
            if case .array(let existing)? = result[key] { values = existing }
            values.append(.string(value))
            result[.string(key)] = .array(values)
        }
        return .object(result)
    }

    /// `text` in double quotes with Go's `%q` escapes for quotes, backslashes and control characters.
    static func goQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let code = String(scalar.value, radix: 16)
                    out += "\\x" + (code.count < 2 ? "0" : "") + code
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The elements of an array or the members of a set; `nil` for other values.
    static func membersOfArrayOrSet(_ value: Value) -> [Value]? {
        switch value {
        case .array(let elements): return elements
        case .set(let set): return set.elements
        default: return nil
        }
    }
}
