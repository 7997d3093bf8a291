/// Exact integer arithmetic that widens to big integers on overflow, and double arithmetic otherwise, as OPA's
/// arbitrary-precision numbers behave for the values policies use.
extension Number {
    public static func + (a: Number, b: Number) -> Number {
        if case .int(let x) = a, case .int(let y) = b {
            let (sum, overflow) = x.addingReportingOverflow(y)
            if !overflow { return .int(sum) }
        }
        if let x = a.bigInt, let y = b.bigInt { return Number(x + y) }
        return Number(a.double + b.double)
    }

    public static func - (a: Number, b: Number) -> Number {
        if case .int(let x) = a, case .int(let y) = b {
            let (difference, overflow) = x.subtractingReportingOverflow(y)
            if !overflow { return .int(difference) }
        }
        if let x = a.bigInt, let y = b.bigInt { return Number(x - y) }
        return Number(a.double - b.double)
    }

    public static func * (a: Number, b: Number) -> Number {
        if case .int(let x) = a, case .int(let y) = b {
            let (product, overflow) = x.multipliedReportingOverflow(by: y)
            if !overflow { return .int(product) }
        }
        if let x = a.bigInt, let y = b.bigInt { return Number(x * y) }
        return Number(a.double * b.double)
    }

    public static prefix func - (a: Number) -> Number { Number(0) - a }

    /// `a / b`, exact when the quotient is an integer; `nil` when `b` is zero.
    public static func divide(_ a: Number, _ b: Number) -> Number? {
        if b.isZero { return nil }
        if let x = a.bigInt, let y = b.bigInt, let (quotient, remainder) = x.quotientAndRemainder(dividingBy: y),
           remainder.isZero {
            return Number(quotient)
        }
        return Number(a.double / b.double)
    }

    /// The remainder of truncated integer division; `nil` when `b` is zero or either operand is not an integer.
    public static func remainder(_ a: Number, _ b: Number) -> Number? {
        if case .int(let x) = a, case .int(let y) = b {
            if y == 0 { return nil }
            if y == -1 { return .int(0) }
            return .int(x % y)
        }
        guard let x = a.bigInt, let y = b.bigInt, let result = x.quotientAndRemainder(dividingBy: y) else { return nil }
        return Number(result.remainder)
    }

    /// Whether the number is zero.
    public var isZero: Bool {
        switch self {
        case .int(let v): return v == 0
        case .big(let b): return b.isZero
        case .float(let d): return d == 0
        }
    }

    /// Whether the number is below zero.
    public var isNegative: Bool {
        switch self {
        case .int(let v): return v < 0
        case .big(let b): return b.isNegative
        case .float(let d): return d < 0
        }
    }
}
