/// `bits.and`, `bits.or`, `bits.xor`, `bits.negate`, `bits.lsh` and `bits.rsh` over integers of any size, with the
/// two's-complement meaning Go's `big.Int` gives negative operands.
extension NumberBuiltins {
    /// The largest shift `bits.lsh` accepts, so that a policy cannot build an integer of unbounded size.
    static let maximumShift = 65_536

    static let bits: [Builtin] = [
        Builtin("bits.and", arity: 2) { args, _ in
            .number(Number(BigInt.bitwise(try args.wholeNumber(0), try args.wholeNumber(1)) { $0 & $1 }))
        },
        Builtin("bits.or", arity: 2) { args, _ in
            .number(Number(BigInt.bitwise(try args.wholeNumber(0), try args.wholeNumber(1)) { $0 | $1 }))
        },
        Builtin("bits.xor", arity: 2) { args, _ in
            .number(Number(BigInt.bitwise(try args.wholeNumber(0), try args.wholeNumber(1)) { $0 ^ $1 }))
        },
        Builtin("bits.negate", arity: 1) { args, _ in
            .number(Number(-(try args.wholeNumber(0) + BigInt(1))))
        },
        Builtin("bits.lsh", arity: 2) { args, _ in
            let value = try args.wholeNumber(0)
            let shift = try args.shiftCount(1)
            guard shift <= maximumShift else {
                throw BuiltinError.failure("shift of \(shift) bits exceeds the limit of \(maximumShift)")
            }
            return .number(Number(value.shiftedLeft(shift)))
        },
        Builtin("bits.rsh", arity: 2) { args, _ in
            let value = try args.wholeNumber(0)
            let shift = try args.shiftCount(1)
            return .number(Number(value.arithmeticShiftedRight(shift)))
        },
    ]
}

extension Operands {
    /// Operand `index` as a shift count: a non-negative integer, saturated at `Int.max`.
    func shiftCount(_ index: Int) throws -> Int {
        let count = try wholeNumber(index)
        guard !count.isNegative else {
            throw BuiltinError(
                kind: .type,
                message: "operand \(index + 1) must be an unsigned integer number but got a negative integer")
        }
        return count.int64.flatMap { Int(exactly: $0) } ?? Int.max
    }
}

extension BigInt {
    /// Combines `a` and `b` limb by limb in two's complement, as wide as the wider operand plus a sign limb.
    static func bitwise(_ a: BigInt, _ b: BigInt, _ combine: (UInt32, UInt32) -> UInt32) -> BigInt {
        let width = max(a.limbs.count, b.limbs.count) + 1
        let x = a.twosComplementLimbs(width: width)
        let y = b.twosComplementLimbs(width: width)
        return BigInt(twosComplement: zip(x, y).map { combine($0, $1) })
    }

    /// The value in two's complement over `width` limbs; `width` must exceed the magnitude's limb count.
    func twosComplementLimbs(width: Int) -> [UInt32] {
        var result = limbs + [UInt32](repeating: 0, count: max(0, width - limbs.count))
        guard isNegative else { return result }
        var carry = true
        for index in result.indices {
            let inverted = ~result[index]
            if carry {
                let (sum, overflow) = inverted.addingReportingOverflow(1)
                result[index] = sum
                carry = overflow
            } else {
                result[index] = inverted
            }
        }
        return result
    }

    /// The integer whose two's complement is `limbs`, the top bit of the last limb being the sign.
    init(twosComplement limbs: [UInt32]) {
        guard let top = limbs.last, top & 0x8000_0000 != 0 else {
            self.init(isNegative: false, limbs: limbs)
            return
        }
        let magnitude = BigInt(isNegative: false, limbs: limbs.map { ~$0 }) + BigInt(1)
        self.init(isNegative: true, limbs: magnitude.limbs)
    }

    /// The value divided by 2^`count`, rounded towards negative infinity, as Go's `big.Int.Rsh` does.
    func arithmeticShiftedRight(_ count: Int) -> BigInt {
        if isNegative {
            let shifted = (-self - BigInt(1)).magnitudeShiftedRight(count)
            return -(shifted + BigInt(1))
        }
        return magnitudeShiftedRight(count)
    }

    /// The non-negative value divided by 2^`count`, rounded down.
    private func magnitudeShiftedRight(_ count: Int) -> BigInt {
        let whole = count / 32
        guard whole < limbs.count else { return BigInt(0) }
        let bits = UInt32(count % 32)
        var result: [UInt32] = []
        result.reserveCapacity(limbs.count - whole)
        for index in whole..<limbs.count {
            let low = limbs[index] >> bits
            let high = bits == 0 || index + 1 >= limbs.count ? 0 : limbs[index + 1] << (32 - bits)
            result.append(low | high)
        }
        return BigInt(isNegative: false, limbs: result)
    }
}
