#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Rego number: exact integers of any size, and decimals as doubles.
///
/// Integral values are always held exactly (`int` when they fit in 64 bits, else `big`), so `1 == 1.0` and equal
/// numbers hash alike.
public enum Number: Sendable {
    case int(Int64)
    case big(BigInt)
    case float(Double)

    /// The integer `value`.
    public init(_ value: Int) { self = .int(Int64(value)) }

    /// A number from a double, held exactly when it is integral.
    public init(_ value: Double) {
        if value.isFinite, value.rounded(.towardZero) == value {
            if value >= -9.223372036854775808e18, value < 9.223372036854775808e18 {
                self = .int(Int64(value))
            } else if let big = BigInt(exactly: value) {
                self = .big(big)
            } else {
                self = .float(value)
            }
        } else {
            self = .float(value)
        }
    }

    /// A number from a big integer, as `int` when it fits.
    public init(_ value: BigInt) {
        if let small = value.int64 { self = .int(small) } else { self = .big(value) }
    }

    /// Parses JSON or Rego number text: `-12`, `3.5`, `1e3`, `123456789012345678901234`.
    public init?(text: Substring) {
        if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            if let small = Int64(text) {
                self = .int(small)
                return
            }
            if let big = BigInt(decimal: text) {
                self = Number(big)
                return
            }
            return nil
        }
        if let exact = Number.exactDecimal(text) {
            self = exact
            return
        }
        guard let double = Double(text), double.isFinite else { return nil }
        self = Number(double)
    }

    /// The exact integer a decimal literal such as `1e20` or `1.5e3` denotes, if it is integral and beyond doubles'
    /// exact range.
    private static func exactDecimal(_ text: Substring) -> Number? {
        let parts = text.lowercased().split(separator: "e", maxSplits: 1)
        guard parts.count == 2, let exponent = Int(parts[1]), exponent > 0, exponent < 400 else { return nil }
        let mantissa = parts[0]
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = pieces[0]
        let fraction = pieces.count > 1 ? pieces[1] : ""
        let trimmedFraction = fraction.reversed().drop(while: { $0 == "0" })
        guard trimmedFraction.count <= exponent else { return nil }
        let digits = String(integerPart) + String(fraction) + String(repeating: "0", count: exponent - fraction.count)
        guard exponent >= fraction.count, let big = BigInt(decimal: Substring(digits)) else { return nil }
        return Number(big)
    }

    /// The value as a Swift `Int`, if it is an integer that fits.
    public var exactInt: Int? {
        if case .int(let v) = self { return Int(exactly: v) }
        return nil
    }

    /// Whether the number is an integer.
    public var isInteger: Bool {
        if case .float = self { return false }
        return true
    }

    /// The nearest double.
    public var double: Double {
        switch self {
        case .int(let v): return Double(v)
        case .big(let b): return b.double
        case .float(let d): return d
        }
    }

    /// The value as a big integer, if it is an integer.
    public var bigInt: BigInt? {
        switch self {
        case .int(let v): return BigInt(v)
        case .big(let b): return b
        case .float: return nil
        }
    }

    /// Numeric order.
    public static func compare(_ a: Number, _ b: Number) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.float(let x), .float(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.int(let x), .float(let y)): return compareDouble(Double(x), y, tieBreak: 0)
        case (.float(let x), .int(let y)): return compareDouble(x, Double(y), tieBreak: 0)
        default:
            if let x = a.bigInt, let y = b.bigInt { return BigInt.compare(x, y) }
            return compareDouble(a.double, b.double, tieBreak: 0)
        }
    }

    private static func compareDouble(_ x: Double, _ y: Double, tieBreak: Int) -> Int {
        x == y ? tieBreak : (x < y ? -1 : 1)
    }

    /// The number as JSON text: integers exactly, decimals in the shortest form that reads back the same.
    public var jsonText: String {
        switch self {
        case .int(let v): return String(v)
        case .big(let b): return b.decimalString
        case .float(let d): return Number.formatDouble(d)
        }
    }

    static func formatDouble(_ d: Double) -> String {
        let magnitude = d.magnitude
        if magnitude >= 1e21 || (magnitude < 1e-6 && magnitude != 0) {
            return "\(d)"
        }
        return "\(d)"
    }
}

extension Number: Equatable {
    public static func == (lhs: Number, rhs: Number) -> Bool { compare(lhs, rhs) == 0 }
}

extension Number: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let v): hasher.combine(v)
        case .big(let b): hasher.combine(b)
        case .float(let d): hasher.combine(d)
        }
    }
}
