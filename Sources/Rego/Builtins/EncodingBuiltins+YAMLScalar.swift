/// How plain YAML scalars resolve, as go-yaml v2 does under YAML 1.1: nulls, booleans such as `yes` and `off`,
/// integers with `0x`, `0o`, `0b` and leading-zero octal forms, and decimals; anything else is a string.
enum YAMLScalar {
    static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]
    static let trues: Set<String> = ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"]
    static let falses: Set<String> = ["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"]

    /// The value a plain scalar denotes.
    static func resolve(_ text: Substring) -> Value {
        let string = String(text)
        if nulls.contains(string) { return .null }
        if trues.contains(string) { return .bool(true) }
        if falses.contains(string) { return .bool(false) }
        guard let first = text.first, "+-0123456789.".contains(first) else { return .string(string) }
        let digits = string.replacingUnderscores()
        if let integer = integer(digits) { return .number(integer) }
        if isDecimal(digits), let number = Number(text: Substring(digits)) { return .number(number) }
        return .string(string)
    }

    /// An integer literal in any of go-yaml's integer forms.
    private static func integer(_ text: String) -> Number? {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let radix: Int
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            radix = 16
            body = body.dropFirst(2)
        } else if body.hasPrefix("0o") || body.hasPrefix("0O") {
            radix = 8
            body = body.dropFirst(2)
        } else if body.hasPrefix("0b") || body.hasPrefix("0B") {
            radix = 2
            body = body.dropFirst(2)
        } else if body.count > 1, body.hasPrefix("0") {
            radix = 8
            body = body.dropFirst()
        } else {
            guard body.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Number(text: Substring((negative ? "-" : "") + body))
        }
        guard !body.isEmpty, let magnitude = Int64(body, radix: radix) else { return nil }
        return .int(negative ? -magnitude : magnitude)
    }

    /// Whether `text` has YAML's decimal form: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    private static func isDecimal(_ text: String) -> Bool {
        var characters = Substring(text)
        if let sign = characters.first, sign == "+" || sign == "-" { characters = characters.dropFirst() }
        let mantissaEnd = characters.firstIndex { $0 == "e" || $0 == "E" } ?? characters.endIndex
        let mantissa = characters[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        guard parts.contains(where: { !$0.isEmpty }) else { return false }
        if mantissaEnd == characters.endIndex { return true }
        var exponent = characters[characters.index(after: mantissaEnd)...]
        if let sign = exponent.first, sign == "+" || sign == "-" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A mapping key as the JSON conversion writes it: strings as they are, other scalars by their JSON text.
    static func keyString(_ key: Value) -> String {
        if case .string(let text) = key { return text }
        return key.jsonText
    }
}

private extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
