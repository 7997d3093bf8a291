/// An arbitrary-precision integer, for the Rego numbers that do not fit in 64 bits.
///
/// Sign and magnitude, the magnitude in base 2^32 limbs, least significant first and without leading zero limbs.
public struct BigInt: Sendable, Hashable {
    /// Whether the value is below zero. Zero is never negative.
    public private(set) var isNegative: Bool
    private(set) var limbs: [UInt32]

    init(isNegative: Bool, limbs: [UInt32]) {
        var trimmed = limbs
        while trimmed.last == 0 { trimmed.removeLast() }
        self.limbs = trimmed
        self.isNegative = trimmed.isEmpty ? false : isNegative
    }

    /// The integer `value`.
    public init(_ value: Int64) {
        let magnitude = value.magnitude
        self.init(isNegative: value < 0, limbs: [UInt32(truncatingIfNeeded: magnitude), UInt32(magnitude >> 32)])
    }

    /// Parses an optionally signed run of decimal digits.
    public init?(decimal text: Substring) {
        var digits = text
        var negative = false
        if let first = digits.first, first == "-" || first == "+" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var limbs: [UInt32] = []
        for character in digits.utf8 {
            guard character >= 48, character <= 57 else { return nil }
            BigInt.multiplyAdd(&limbs, 10, UInt32(character - 48))
        }
        self.init(isNegative: negative, limbs: limbs)
    }

    /// The exact integer value of an integral, finite double.
    public init?(exactly value: Double) {
        guard value.isFinite, value.rounded(.towardZero) == value else { return nil }
        var magnitude = value.magnitude
        var limbs: [UInt32] = []
        var scale: [Double] = []
        var power = 1.0
        while power <= magnitude {
            scale.append(power)
            power *= 4294967296
        }
        limbs = Array(repeating: 0, count: scale.count)
        for index in stride(from: scale.count - 1, through: 0, by: -1) {
            let digit = (magnitude / scale[index]).rounded(.towardZero)
            limbs[index] = UInt32(digit)
            magnitude -= digit * scale[index]
        }
        self.init(isNegative: value < 0, limbs: limbs)
    }

    /// Whether the value is zero.
    public var isZero: Bool { limbs.isEmpty }

    /// The value as an `Int64`, if it fits.
    public var int64: Int64? {
        guard limbs.count <= 2 else { return nil }
        let low = UInt64(limbs.first ?? 0)
        let high = limbs.count > 1 ? UInt64(limbs[1]) : 0
        let magnitude = high << 32 | low
        if isNegative {
            if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The nearest double.
    public var double: Double {
        var result = 0.0
        for limb in limbs.reversed() { result = result * 4294967296 + Double(limb) }
        return isNegative ? -result : result
    }

    /// The decimal digits, with a leading `-` when negative.
    public var decimalString: String {
        if limbs.isEmpty { return "0" }
        var magnitude = limbs
        var chunks: [UInt32] = []
        while !magnitude.isEmpty { chunks.append(BigInt.divideSmall(&magnitude, 1_000_000_000)) }
        var text = isNegative ? "-" : ""
        text += String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    public static func compare(_ a: BigInt, _ b: BigInt) -> Int {
        if a.isNegative != b.isNegative { return a.isNegative ? -1 : 1 }
        let magnitude = compareMagnitude(a.limbs, b.limbs)
        return a.isNegative ? -magnitude : magnitude
    }

    public static func + (a: BigInt, b: BigInt) -> BigInt {
        if a.isNegative == b.isNegative { return BigInt(isNegative: a.isNegative, limbs: addMagnitude(a.limbs, b.limbs)) }
        if compareMagnitude(a.limbs, b.limbs) >= 0 {
            return BigInt(isNegative: a.isNegative, limbs: subtractMagnitude(a.limbs, b.limbs))
        }
        return BigInt(isNegative: b.isNegative, limbs: subtractMagnitude(b.limbs, a.limbs))
    }

    public static prefix func - (a: BigInt) -> BigInt { BigInt(isNegative: !a.isNegative, limbs: a.limbs) }

    public static func - (a: BigInt, b: BigInt) -> BigInt { a + -b }

    public static func * (a: BigInt, b: BigInt) -> BigInt {
        guard !a.isZero, !b.isZero else { return BigInt(0) }
        var result = [UInt32](repeating: 0, count: a.limbs.count + b.limbs.count)
        for (i, x) in a.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, y) in b.limbs.enumerated() {
                let t = UInt64(x) * UInt64(y) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            result[i + b.limbs.count] = UInt32(carry)
        }
        return BigInt(isNegative: a.isNegative != b.isNegative, limbs: result)
    }

    /// Truncated division, as Go's `big.Int.Quo` and `Rem`: the remainder has the dividend's sign.
    /// Returns `nil` when `divisor` is zero.
    public func quotientAndRemainder(dividingBy divisor: BigInt) -> (quotient: BigInt, remainder: BigInt)? {
        guard !divisor.isZero else { return nil }
        if BigInt.compareMagnitude(limbs, divisor.limbs) < 0 { return (BigInt(0), self) }
        var quotient = [UInt32](repeating: 0, count: limbs.count)
        var remainder: [UInt32] = []
        for bit in stride(from: limbs.count * 32 - 1, through: 0, by: -1) {
            remainder = BigInt.shiftLeftMagnitude(remainder, 1)
            if limbs[bit / 32] >> UInt32(bit % 32) & 1 == 1 {
                if remainder.isEmpty { remainder = [1] } else { remainder[0] |= 1 }
            }
            if BigInt.compareMagnitude(remainder, divisor.limbs) >= 0 {
                remainder = BigInt.subtractMagnitude(remainder, divisor.limbs)
                quotient[bit / 32] |= 1 << UInt32(bit % 32)
            }
        }
        return (BigInt(isNegative: isNegative != divisor.isNegative, limbs: quotient),
                BigInt(isNegative: isNegative, limbs: remainder))
    }

    /// The value times 2^`count` (`count` ≥ 0).
    public func shiftedLeft(_ count: Int) -> BigInt {
        BigInt(isNegative: isNegative, limbs: BigInt.shiftLeftMagnitude(limbs, count))
    }

    // MARK: magnitude arithmetic

    static func compareMagnitude(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var x = a
        var y = b
        while x.last == 0 { x.removeLast() }
        while y.last == 0 { y.removeLast() }
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for index in stride(from: x.count - 1, through: 0, by: -1) where x[index] != y[index] {
            return x[index] < y[index] ? -1 : 1
        }
        return 0
    }

    static func addMagnitude(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var carry: UInt64 = 0
        for index in 0..<max(a.count, b.count) {
            let t = UInt64(index < a.count ? a[index] : 0) + UInt64(index < b.count ? b[index] : 0) + carry
            result.append(UInt32(truncatingIfNeeded: t))
            carry = t >> 32
        }
        if carry > 0 { result.append(UInt32(carry)) }
        return result
    }

    /// `a - b` for `a` ≥ `b`.
    static func subtractMagnitude(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var borrow: Int64 = 0
        for index in 0..<a.count {
            var t = Int64(a[index]) - Int64(index < b.count ? b[index] : 0) - borrow
            borrow = 0
            if t < 0 {
                t += 1 << 32
                borrow = 1
            }
            result.append(UInt32(t))
        }
        while result.last == 0 { result.removeLast() }
        return result
    }

    static func shiftLeftMagnitude(_ a: [UInt32], _ count: Int) -> [UInt32] {
        guard !a.isEmpty else { return a }
        let whole = count / 32
        let bits = UInt32(count % 32)
        var result = [UInt32](repeating: 0, count: whole)
        var carry: UInt32 = 0
        for limb in a {
            result.append(bits == 0 ? limb : (limb << bits | carry))
            carry = bits == 0 ? 0 : limb >> (32 - bits)
        }
        if carry > 0 { result.append(carry) }
        return result
    }

    static func multiplyAdd(_ limbs: inout [UInt32], _ factor: UInt32, _ addend: UInt32) {
        var carry = UInt64(addend)
        for index in limbs.indices {
            let t = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: t)
            carry = t >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
    }

    static func divideSmall(_ limbs: inout [UInt32], _ divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for index in stride(from: limbs.count - 1, through: 0, by: -1) {
            let t = remainder << 32 | UInt64(limbs[index])
            limbs[index] = UInt32(t / UInt64(divisor))
            remainder = t % UInt64(divisor)
        }
        while limbs.last == 0 { limbs.removeLast() }
        return UInt32(remainder)
    }
}
