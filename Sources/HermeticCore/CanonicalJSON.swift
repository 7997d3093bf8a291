/// The JSON Canonicalization Scheme (RFC 8785): what Trustee and CoCo guests hash to bind runtime data into report
/// data.
///
/// Object members are sorted by the UTF-16 code units of their names, there is no whitespace, strings are escaped
/// minimally (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other controls as `\u00xx`), and numbers are written as
/// ECMAScript's `Number.prototype.toString` writes them.
extension JSONValue {
    /// The RFC 8785 canonical text of this value.
    public func canonicalJSON() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        writeCanonical(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func writeCanonical(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: Self.ecmaScriptNumber(d).utf8)
        case .string(let s): Self.appendQuoted(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            for (i, (key, value)) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendQuoted(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A double as ECMAScript writes it (ECMA-262 Number::toString): the shortest round-trip digits, in plain
    /// notation for exponents from -7 to 20, otherwise `d.ddde±n`. Non-finite values (which JSON cannot carry)
    /// are written as `null`.
    static func ecmaScriptNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return "0" }
        let negative = value < 0
        // Swift's description is the shortest round-trip representation; take its digits and exponent.
        let text = "\(abs(value))"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits = ""
        var pointPosition = mantissa.count
        if let dot = mantissa.firstIndex(of: ".") {
            pointPosition = mantissa.distance(from: mantissa.startIndex, to: dot)
            digits = String(mantissa[..<dot]) + String(mantissa[mantissa.index(after: dot)...])
        } else {
            digits = String(mantissa)
        }
        // Normalise: strip leading zeros (moving the point) and trailing zeros.
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        let k = digits.count
        let n = pointPosition + exponent  // value = 0.digits × 10^n
        var out = negative ? "-" : ""
        if k <= n && n <= 21 {
            out += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            let sign = e < 0 ? "-" : "+"
            out += String(digits.prefix(1)) + (k > 1 ? "." + String(digits.dropFirst()) : "") + "e" + sign + String(abs(e))
        }
        return out
    }
}
