/// `abs`, `ceil`, `floor`, `round`, `numbers.range` and `numbers.range_step`. The bitwise builtins are in
/// `NumberBuiltins+Bits.swift`.
enum NumberBuiltins {
    static let all: [Builtin] = rounding + ranges + bits

    /// The most elements `numbers.range` and `numbers.range_step` build, so that a policy cannot exhaust memory.
    static let maximumRangeCount = 1_000_000

    static let rounding: [Builtin] = [
        Builtin("abs", arity: 1) { args, _ in
            let n = try args.number(0)
            return .number(n.isNegative ? -n : n)
        },
        Builtin("ceil", arity: 1) { args, _ in .number(try args.number(0).rounded(.up)) },
        Builtin("floor", arity: 1) { args, _ in .number(try args.number(0).rounded(.down)) },
        Builtin("round", arity: 1) { args, _ in .number(try args.number(0).rounded(.toNearestOrAwayFromZero)) },
    ]

    static let ranges: [Builtin] = [
        Builtin("numbers.range", arity: 2) { args, _ in
            let start = try args.wholeNumber(0)
            let end = try args.wholeNumber(1)
            return .array(try integerRange(from: start, to: end, step: BigInt(1)))
        },
        Builtin("numbers.range_step", arity: 3) { args, _ in
            let start = try args.wholeNumber(0)
            let end = try args.wholeNumber(1)
            let step = try args.wholeNumber(2)
            guard !step.isNegative, !step.isZero else { throw BuiltinError.failure("step must be a positive integer") }
            return .array(try integerRange(from: start, to: end, step: step))
        },
    ]

    /// The integers from `start` towards `end` (both included when reached) in increments of `step` (> 0),
    /// descending when `end` is below `start`.
    static func integerRange(from start: BigInt, to end: BigInt, step: BigInt) throws -> [Value] {
        let descending = BigInt.compare(end, start) < 0
        let distance = descending ? start - end : end - start
        guard let steps = distance.quotientAndRemainder(dividingBy: step)?.quotient,
              let stepCount = steps.int64, stepCount < Int64(maximumRangeCount)
        else {
            throw BuiltinError.failure("range would have more than \(maximumRangeCount) elements")
        }
        let increment = Number(descending ? -step : step)
        var current = Number(start)
        var elements: [Value] = [.number(current)]
        elements.reserveCapacity(Int(stepCount) + 1)
        for _ in 0..<stepCount {
            current = current + increment
            elements.append(.number(current))
        }
        return elements
    }
}

extension Number {
    /// The number rounded to an integer by `rule`; integers are returned unchanged.
    func rounded(_ rule: FloatingPointRoundingRule) -> Number {
        if case .float(let d) = self { return Number(d.rounded(rule)) }
        return self
    }
}

extension Operands {
    /// Operand `index` as an integer of any size, with OPA's error for a number that is not integral.
    func wholeNumber(_ index: Int) throws -> BigInt {
        let n = try number(index)
        guard let integer = n.bigInt else {
            throw BuiltinError(
                kind: .type, message: "operand \(index + 1) must be integer number but got floating-point number")
        }
        return integer
    }
}
