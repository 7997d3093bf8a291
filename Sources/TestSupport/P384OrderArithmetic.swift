/// Arithmetic modulo the order n of the P-384 group, in Montgomery form, on six 64-bit limbs (least significant
/// first).
///
/// It exists for one purpose: ``PrecomputedECDSANonces`` finishes an ECDSA P-384 signature from a nonce prepared in
/// advance, which needs two multiplications mod n. swift-crypto signs only whole signatures, so the fake chip's
/// emulation of the AMD Secure Processor would otherwise spend a full scalar multiplication per report on the cores
/// that are being measured. This is test support, not production cryptography: it is not constant time.
struct P384OrderArithmetic: Sendable {
    typealias Scalar = [UInt64]

    /// n, least significant limb first.
    static let order: Scalar = [
        0xECEC_196A_CCC5_2973, 0x581A_0DB2_48B0_A77A, 0xC763_4D81_F437_2DDF,
        0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF,
    ]

    /// −n⁻¹ mod 2⁶⁴.
    private let negativeInverse: UInt64
    /// R² mod n, with R = 2³⁸⁴: multiplying by it enters Montgomery form.
    let rSquared: Scalar
    /// R mod n: one in Montgomery form.
    let one: Scalar

    init() {
        var inverse: UInt64 = 1
        for _ in 0..<6 { inverse = inverse &* (2 &- Self.order[0] &* inverse) }
        negativeInverse = 0 &- inverse
        // R mod n = 2³⁸⁴ − n, because n > 2³⁸³.
        var r = Self.subtracting(Self.order, from: [UInt64](repeating: 0, count: 6))
        one = r
        for _ in 0..<384 { r = Self.doubled(r) }
        rSquared = r
    }

    /// The scalar of 48 big-endian bytes, reduced mod n (any 384-bit value is below 2n).
    static func scalar(bigEndian bytes: [UInt8]) -> Scalar {
        var limbs = [UInt64](repeating: 0, count: 6)
        for index in 0..<48 where index < bytes.count {
            let byte = bytes[bytes.count - 1 - index]
            limbs[index / 8] |= UInt64(byte) << (8 * (index % 8))
        }
        return isBelowOrder(limbs) ? limbs : subtracting(order, from: limbs)
    }

    /// 48 big-endian bytes.
    static func bigEndian(_ scalar: Scalar) -> [UInt8] {
        (0..<48).map { index in UInt8(truncatingIfNeeded: scalar[(47 - index) / 8] >> (8 * ((47 - index) % 8))) }
    }

    /// a · b · R⁻¹ mod n (coarsely integrated operand scanning).
    func montgomeryProduct(_ a: Scalar, _ b: Scalar) -> Scalar {
        var t = [UInt64](repeating: 0, count: 8)
        for i in 0..<6 {
            var carry: UInt64 = 0
            for j in 0..<6 {
                let (high, low) = a[j].multipliedFullWidth(by: b[i])
                let (sum, overflow1) = t[j].addingReportingOverflow(low)
                let (total, overflow2) = sum.addingReportingOverflow(carry)
                t[j] = total
                carry = high &+ (overflow1 ? 1 : 0) &+ (overflow2 ? 1 : 0)
            }
            let (top, overflow) = t[6].addingReportingOverflow(carry)
            t[6] = top
            t[7] = overflow ? 1 : 0
            let m = t[0] &* negativeInverse
            var (high, low) = m.multipliedFullWidth(by: Self.order[0])
            carry = high &+ (t[0].addingReportingOverflow(low).overflow ? 1 : 0)
            for j in 1..<6 {
                (high, low) = m.multipliedFullWidth(by: Self.order[j])
                let (sum, overflow1) = t[j].addingReportingOverflow(low)
                let (total, overflow2) = sum.addingReportingOverflow(carry)
                t[j - 1] = total
                carry = high &+ (overflow1 ? 1 : 0) &+ (overflow2 ? 1 : 0)
            }
            let (last, overflow3) = t[6].addingReportingOverflow(carry)
            t[5] = last
            t[6] = t[7] &+ (overflow3 ? 1 : 0)
        }
        let result = Array(t[0..<6])
        return t[6] != 0 || !Self.isBelowOrder(result) ? Self.subtracting(Self.order, from: result) : result
    }

    /// a + b mod n, for a and b below n.
    static func sum(_ a: Scalar, _ b: Scalar) -> Scalar {
        var result = [UInt64](repeating: 0, count: 6)
        var carry = false
        for index in 0..<6 {
            let (partial, overflow1) = a[index].addingReportingOverflow(b[index])
            let (total, overflow2) = partial.addingReportingOverflow(carry ? 1 : 0)
            result[index] = total
            carry = overflow1 || overflow2
        }
        return carry || !isBelowOrder(result) ? subtracting(order, from: result) : result
    }

    /// xᵉ in Montgomery form, for x in Montgomery form.
    func power(_ x: Scalar, _ exponent: Scalar) -> Scalar {
        var result = one
        for bit in (0..<384).reversed() {
            result = montgomeryProduct(result, result)
            if exponent[bit / 64] >> (bit % 64) & 1 == 1 { result = montgomeryProduct(result, x) }
        }
        return result
    }

    /// x⁻¹ in Montgomery form, for x ≠ 0 in Montgomery form (Fermat: x^(n−2)).
    func inverse(_ x: Scalar) -> Scalar {
        power(x, Self.subtracting([2, 0, 0, 0, 0, 0], from: Self.order))
    }

    static func isZero(_ scalar: Scalar) -> Bool { scalar.allSatisfy { $0 == 0 } }

    private static func isBelowOrder(_ value: Scalar) -> Bool {
        for index in (0..<6).reversed() where value[index] != order[index] { return value[index] < order[index] }
        return false
    }

    /// value − subtrahend mod 2³⁸⁴.
    private static func subtracting(_ subtrahend: Scalar, from value: Scalar) -> Scalar {
        var result = [UInt64](repeating: 0, count: 6)
        var borrow = false
        for index in 0..<6 {
            let (partial, underflow1) = value[index].subtractingReportingOverflow(subtrahend[index])
            let (total, underflow2) = partial.subtractingReportingOverflow(borrow ? 1 : 0)
            result[index] = total
            borrow = underflow1 || underflow2
        }
        return result
    }

    /// 2x mod n, for x below n.
    private static func doubled(_ x: Scalar) -> Scalar { sum(x, x) }
}
