/// `units.parse` and `units.parse_bytes`: amounts with SI (`K`, `M`, …) or binary (`Ki`, `Mi`, …) suffixes,
/// computed exactly in decimal so that `units.parse("500m") == 0.5` holds.
extension StringBuiltins {
    static let unitsBuiltins: [Builtin] = [
        Builtin("units.parse", arity: 1) { args, _ in
            let amount = try UnitAmount(parsing: try args.string(0), noun: "amount")
            let key = amount.unit == "m" ? "milli" : amount.unit.lowercased()
            guard let scale = UnitAmount.quantityUnits[key] else {
                throw BuiltinError.failure("unit \(amount.unit) not recognized")
            }
            return .number(amount.value(times: scale, truncating: false))
        },
        Builtin("units.parse_bytes", arity: 1) { args, _ in
            let amount = try UnitAmount(parsing: try args.string(0), noun: "byte amount")
            guard let scale = UnitAmount.byteUnits[amount.unit.lowercased()] else {
                throw BuiltinError.failure("byte unit \(amount.unit) not recognized")
            }
            return .number(amount.value(times: scale, truncating: true))
        },
    ]
}

/// A decimal amount and the unit text after it, as `units.parse` reads `"-3.5E2m"`.
struct UnitAmount {
    /// A unit's factor: 10^`decimalExponent` × 2^`binaryExponent`.
    struct Scale {
        var decimalExponent = 0
        var binaryExponent = 0
    }

    /// The digits of the amount without its decimal point.
    var mantissa: BigInt
    /// The power of ten the mantissa is scaled by.
    var exponent: Int
    /// What follows the number, e.g. `Ki` or `MB`.
    var unit: String

    /// The units `units.parse` accepts, keyed by lower-cased text except that `milli` stands for a lone `m`.
    static let quantityUnits: [String: Scale] = [
        "": Scale(), "milli": Scale(decimalExponent: -3),
        "k": Scale(decimalExponent: 3), "m": Scale(decimalExponent: 6), "g": Scale(decimalExponent: 9),
        "t": Scale(decimalExponent: 12), "p": Scale(decimalExponent: 15), "e": Scale(decimalExponent: 18),
        "ki": Scale(binaryExponent: 10), "mi": Scale(binaryExponent: 20), "gi": Scale(binaryExponent: 30),
        "ti": Scale(binaryExponent: 40), "pi": Scale(binaryExponent: 50), "ei": Scale(binaryExponent: 60),
    ]

    /// The units `units.parse_bytes` accepts, lower-cased.
    static let byteUnits: [String: Scale] = {
        var units: [String: Scale] = ["": Scale()]
        for (index, prefix) in ["k", "m", "g", "t", "p", "e"].enumerated() {
            units[prefix] = Scale(decimalExponent: 3 * (index + 1))
            units[prefix + "b"] = Scale(decimalExponent: 3 * (index + 1))
            units[prefix + "i"] = Scale(binaryExponent: 10 * (index + 1))
            units[prefix + "ib"] = Scale(binaryExponent: 10 * (index + 1))
        }
        return units
    }()

    /// Reads `text` with its double quotes removed; `noun` names the amount in error messages.
    init(parsing text: String, noun: String) throws {
        let scalars = Array(text.unicodeScalars.filter { $0 != "\"" })
        guard !scalars.contains(" ") else { throw BuiltinError.failure("spaces not allowed in resource strings") }
        var end = 0
        if end < scalars.count, scalars[end] == "-" || scalars[end] == "+" { end += 1 }
        let digitsStart = end
        while end < scalars.count, scalars[end] == "." || ("0"..."9").contains(scalars[end]) { end += 1 }
        guard end > digitsStart else { throw BuiltinError.failure("no \(noun) provided") }
        if end < scalars.count, scalars[end] == "e" || scalars[end] == "E" {
            var exponentEnd = end + 1
            if exponentEnd < scalars.count, scalars[exponentEnd] == "-" || scalars[exponentEnd] == "+" {
                exponentEnd += 1
            }
            let exponentDigitsStart = exponentEnd
            while exponentEnd < scalars.count, ("0"..."9").contains(scalars[exponentEnd]) { exponentEnd += 1 }
            if exponentEnd > exponentDigitsStart { end = exponentEnd }
        }
        var unitView = String.UnicodeScalarView()
        unitView.append(contentsOf: scalars[end...])
        unit = String(unitView)
        guard let (mantissa, exponent) = UnitAmount.decimal(scalars[..<end]) else {
            throw BuiltinError.failure("could not parse \(noun) to a number")
        }
        self.mantissa = mantissa
        self.exponent = exponent
    }

    /// Splits `[sign] digits [. digits] [e [sign] digits]` into an integer mantissa and a power of ten. The exponent
    /// is bounded so that no huge power is ever built.
    private static func decimal(_ scalars: ArraySlice<Unicode.Scalar>) -> (BigInt, Int)? {
        var text = String(String.UnicodeScalarView(scalars))
        var exponent = 0
        if let marker = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let written = Int(text[text.index(after: marker)...]), abs(written) <= 1000 else { return nil }
            exponent = written
            text = String(text[..<marker])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        var integerPart = parts[0]
        var sign = ""
        if let first = integerPart.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            integerPart = integerPart.dropFirst()
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = integerPart + fraction
        guard !digits.isEmpty, digits.count <= 1000, let mantissa = BigInt(decimal: Substring(sign + digits)) else {
            return nil
        }
        return (mantissa, exponent - fraction.count)
    }

    /// The amount times `scale`, exact when integral and otherwise the nearest double; `truncating` drops any
    /// fraction instead, as byte counts do.
    func value(times scale: Scale, truncating: Bool) -> Number {
        var numerator = mantissa.shiftedLeft(scale.binaryExponent)
        let decimalExponent = exponent + scale.decimalExponent
        if decimalExponent >= 0 {
            numerator = numerator * UnitAmount.powerOfTen(decimalExponent)
            return Number(numerator)
        }
        let divisor = UnitAmount.powerOfTen(-decimalExponent)
        guard let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: divisor) else { return Number(0) }
        if truncating || remainder.isZero { return Number(quotient) }
        var digits = numerator.decimalString
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        let places = -decimalExponent
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -places)
        let text = (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
        return Number(Double(text) ?? 0)
    }

    /// 10^`power` for `power` ≥ 0.
    static func powerOfTen(_ power: Int) -> BigInt {
        var result = BigInt(1)
        var remaining = power
        let chunk = BigInt(1_000_000_000_000_000_000)
        while remaining >= 18 {
            result = result * chunk
            remaining -= 18
        }
        var small: Int64 = 1
        for _ in 0..<remaining { small *= 10 }
        return result * BigInt(small)
    }
}
