/// The RSA public operation m^e mod n (RFC 8017 RSAEP) on big-endian octet strings, for OAEP with a label, which
/// swift-crypto does not offer.
///
/// Montgomery multiplication over 32-bit limbs with a fixed number of steps per product; the exponent is public.
/// The final subtraction is done by masking, so the time does not depend on the message (the credential seed).
struct RSAPublicOperation: Sendable {
    private let modulus: [UInt32]  // little-endian limbs
    private let modulusBytes: Int
    private let exponent: UInt32
    private let inverse: UInt32  // -n^-1 mod 2^32
    private let rSquared: [UInt32]  // R^2 mod n, R = 2^(32·limbs)

    /// Prepares the operation for a modulus (big-endian, odd, at least 512 bits) and exponent.
    ///
    /// - Throws: ``TPMError`` (`unsupported`) for an even or short modulus or an exponent below 3.
    init(modulus bytes: [UInt8], exponent: UInt32) throws {
        let trimmed = Array(bytes.drop { $0 == 0 })
        guard trimmed.count >= 64, let last = trimmed.last, last & 1 == 1, exponent >= 3 else {
            throw TPMError(.unsupported, "RSA key: the modulus must be odd and at least 512 bits, the exponent at least 3")
        }
        modulusBytes = trimmed.count
        modulus = Self.limbs(trimmed, count: (trimmed.count + 3) / 4)
        self.exponent = exponent
        // Newton iteration for n0^-1 mod 2^32.
        var x: UInt32 = 1
        for _ in 0..<5 { x = x &* (2 &- modulus[0] &* x) }
        inverse = 0 &- x
        // R^2 mod n by doubling 1 modulo n, 2·32·limbs times.
        var value = [UInt32](repeating: 0, count: modulus.count)
        value[0] = 1
        for _ in 0..<(2 * 32 * modulus.count) { value = Self.doubleMod(value, modulus) }
        rSquared = value
    }

    /// The modulus size in octets.
    var size: Int { modulusBytes }

    /// m^e mod n for a message given as `size` big-endian octets whose value is below n.
    func apply(_ message: [UInt8]) -> [UInt8] {
        let m = Self.limbs(message, count: modulus.count)
        let mMont = multiply(m, rSquared)
        var result = mMont
        let bits = 32 - exponent.leadingZeroBitCount
        for bit in stride(from: bits - 2, through: 0, by: -1) {
            result = multiply(result, result)
            if exponent >> UInt32(bit) & 1 == 1 { result = multiply(result, mMont) }
        }
        var one = [UInt32](repeating: 0, count: modulus.count)
        one[0] = 1
        result = multiply(result, one)
        var out = [UInt8](repeating: 0, count: modulus.count * 4)
        for (index, limb) in result.enumerated() {
            for byte in 0..<4 { out[out.count - 1 - index * 4 - byte] = UInt8(truncatingIfNeeded: limb >> (8 * byte)) }
        }
        return Array(out.suffix(modulusBytes))
    }

    /// Montgomery product a·b·R^-1 mod n (CIOS), for a, b < n.
    private func multiply(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        let count = modulus.count
        var t = [UInt32](repeating: 0, count: count + 2)
        for i in 0..<count {
            var carry: UInt64 = 0
            for j in 0..<count {
                let sum = UInt64(t[j]) + UInt64(a[j]) * UInt64(b[i]) + carry
                t[j] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
            }
            var sum = UInt64(t[count]) + carry
            t[count] = UInt32(truncatingIfNeeded: sum)
            t[count + 1] = UInt32(sum >> 32)
            let m = t[0] &* inverse
            sum = UInt64(t[0]) + UInt64(m) * UInt64(modulus[0])
            carry = sum >> 32
            for j in 1..<count {
                sum = UInt64(t[j]) + UInt64(m) * UInt64(modulus[j]) + carry
                t[j - 1] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
            }
            sum = UInt64(t[count]) + carry
            t[count - 1] = UInt32(truncatingIfNeeded: sum)
            t[count] = t[count + 1] &+ UInt32(sum >> 32)
        }
        return Self.reduceOnce(Array(t[0..<count]), high: t[count], modulus)
    }

    /// value (with one extra high limb) minus n when it is at least n, chosen by a mask.
    private static func reduceOnce(_ value: [UInt32], high: UInt32, _ n: [UInt32]) -> [UInt32] {
        var difference = [UInt32](repeating: 0, count: n.count)
        var borrow: UInt64 = 0
        for index in 0..<n.count {
            let d = UInt64(value[index]) &- UInt64(n[index]) &- borrow
            difference[index] = UInt32(truncatingIfNeeded: d)
            borrow = (d >> 63) & 1
        }
        // Keep the difference when there was no borrow, or when the high limb absorbs it.
        let keepDifference = UInt32(truncatingIfNeeded: borrow) <= high ? UInt32.max : 0
        return (0..<n.count).map { (difference[$0] & keepDifference) | (value[$0] & ~keepDifference) }
    }

    private static func doubleMod(_ value: [UInt32], _ n: [UInt32]) -> [UInt32] {
        var doubled = [UInt32](repeating: 0, count: value.count)
        var carry: UInt32 = 0
        for index in 0..<value.count {
            doubled[index] = value[index] << 1 | carry
            carry = value[index] >> 31
        }
        return reduceOnce(doubled, high: carry, n)
    }

    private static func limbs(_ bytes: [UInt8], count: Int) -> [UInt32] {
        var limbs = [UInt32](repeating: 0, count: count)
        for (offset, byte) in bytes.reversed().enumerated() where offset / 4 < count {
            limbs[offset / 4] |= UInt32(byte) << (8 * (offset % 4))
        }
        return limbs
    }
}
