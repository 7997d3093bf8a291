/// The type tests `is_array` … `is_string`, `type_name` and the cast `to_number`.
enum TypeBuiltins {
    static let all: [Builtin] = [
        typeTest("is_array") { if case .array = $0 { return true } else { return false } },
        typeTest("is_boolean") { if case .bool = $0 { return true } else { return false } },
        typeTest("is_null") { if case .null = $0 { return true } else { return false } },
        typeTest("is_number") { if case .number = $0 { return true } else { return false } },
        typeTest("is_object") { if case .object = $0 { return true } else { return false } },
        typeTest("is_set") { if case .set = $0 { return true } else { return false } },
        typeTest("is_string") { if case .string = $0 { return true } else { return false } },
        Builtin("type_name", arity: 1) { args, _ in .string(args[0].typeName) },
        Builtin("to_number", arity: 1) { args, _ in
            switch args[0] {
            case .null: return .int(0)
            case .bool(let b): return .int(b ? 1 : 0)
            case .number: return args[0]
            case .string(let text): return .number(try parseNumber(text))
            default:
                throw BuiltinError.operand(1, mustBe: "one of {null, boolean, number, string}", got: args[0])
            }
        },
    ]

    /// A builtin answering `true` or `false` for whether its operand satisfies `test`.
    private static func typeTest(_ name: String, _ test: @escaping @Sendable (Value) -> Bool) -> Builtin {
        Builtin(name, arity: 1) { args, _ in .bool(test(args[0])) }
    }

    /// Reads decimal number text as Go's `strconv.ParseFloat` accepts it (optional sign, digits with an optional
    /// fraction, optional exponent), keeping the value exact. Infinities and NaN are operand type errors.
    static func parseNumber(_ text: String) throws -> Number {
        let lowered = text.lowercased()
        let unsigned = lowered.hasPrefix("+") || lowered.hasPrefix("-") ? String(lowered.dropFirst()) : lowered
        if ["inf", "infinity", "nan"].contains(unsigned) {
            throw BuiltinError.operand(1, mustBe: "valid number string", got: .string(text))
        }
        guard isDecimalLiteral(text) else {
            throw BuiltinError.failure("strconv.ParseFloat: parsing \(Value.string(text).jsonText): invalid syntax")
        }
        let body = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard let number = Number(text: body) else {
            throw BuiltinError.failure("strconv.ParseFloat: parsing \(Value.string(text).jsonText): value out of range")
        }
        return number
    }

    /// Whether `text` is `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
    static func isDecimalLiteral(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        func digitRun() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var mantissaDigits = digitRun()
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            mantissaDigits += digitRun()
        }
        guard mantissaDigits > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            guard digitRun() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
