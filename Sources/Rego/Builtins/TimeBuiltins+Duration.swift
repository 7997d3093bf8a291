/// Go's `time.ParseDuration`: a signed sequence of decimal numbers with units, such as `1h30m` or `-1.5s`.
enum GoDuration {
    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
        "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// Nanoseconds in `text`.
    /// - Throws: Go's `time: invalid duration "…"`, `time: missing unit in duration "…"` or
    ///   `time: unknown unit "…" in duration "…"`.
    static func parse(_ text: String) throws(BuiltinError) -> Int64 {
        let quoted = EncodingBuiltins.goQuoted(text)
        let invalid = BuiltinError.failure("time: invalid duration \(quoted)")
        var rest = Array(text.utf8)[...]
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        if rest.elementsEqual("0".utf8) { return 0 }
        if rest.isEmpty { throw invalid }
        let limit = UInt64(1) << 63
        var total: UInt64 = 0
        while let first = rest.first {
            guard first == UInt8(ascii: ".") || isDigit(first) else { throw invalid }
            let integerDigits = rest.prefix { isDigit($0) }
            rest = rest.dropFirst(integerDigits.count)
            var whole: UInt64 = 0
            for digit in integerDigits {
                let (scaled, overflow) = whole.multipliedReportingOverflow(by: 10)
                let (sum, carry) = scaled.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                guard !overflow, !carry, sum <= limit else { throw invalid }
                whole = sum
            }
            var fraction: UInt64 = 0
            var scale = 1.0
            var fractionDigitCount = 0
            if rest.first == UInt8(ascii: ".") {
                rest = rest.dropFirst()
                let digits = rest.prefix { isDigit($0) }
                rest = rest.dropFirst(digits.count)
                fractionDigitCount = digits.count
                var overflowed = false
                for digit in digits where !overflowed {
                    let (scaled, overflow) = fraction.multipliedReportingOverflow(by: 10)
                    let (sum, carry) = scaled.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                    if overflow || carry || sum > limit {
                        overflowed = true
                    } else {
                        fraction = sum
                        scale *= 10
                    }
                }
            }
            if integerDigits.isEmpty && fractionDigitCount == 0 { throw invalid }
            let unitText = rest.prefix { $0 != UInt8(ascii: ".") && !isDigit($0) }
            guard !unitText.isEmpty else { throw BuiltinError.failure("time: missing unit in duration \(quoted)") }
            rest = rest.dropFirst(unitText.count)
            let unitName = String(decoding: unitText, as: UTF8.self)
            guard let unit = units[unitName] else {
                throw BuiltinError.failure("time: unknown unit \(EncodingBuiltins.goQuoted(unitName)) in duration \(quoted)")
            }
            guard whole <= limit / unit else { throw invalid }
            var amount = whole * unit
            if fraction > 0 {
                let extra = Double(fraction) * (Double(unit) / scale)
                guard extra < 9.3e18 else { throw invalid }
                amount += UInt64(extra)
                guard amount <= limit else { throw invalid }
            }
            let (sum, overflow) = total.addingReportingOverflow(amount)
            guard !overflow, sum <= limit else { throw invalid }
            total = sum
        }
        if negative { return total == limit ? Int64.min : -Int64(total) }
        guard total < limit else { throw invalid }
        return Int64(total)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
