/// A Rego value: JSON extended with sets and with keys of any type in objects.
///
/// Values order totally, as OPA's `ast.Compare` does: null < boolean < number < string < array < object < set.
/// Strings compare and test equal by their UTF-8 bytes, never by Unicode canonical equivalence.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case number(Number)
    case string(String)
    case array([Value])
    case object(ObjectValue)
    case set(SetValue)
}

extension Value {
    /// The rank of this value's type in OPA's total order.
    var typeRank: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .number: return 2
        case .string: return 3
        case .array: return 4
        case .object: return 5
        case .set: return 6
        }
    }

    /// OPA's type name, as `type_name` returns it and as error messages print it.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        case .set: return "set"
        }
    }

    /// `true` unless the value is `false`: how a body expression that is a bare term succeeds.
    public var isTruthy: Bool {
        if case .bool(false) = self { return false }
        return true
    }

    /// A Rego integer.
    public static func int(_ value: Int) -> Value { .number(Number(value)) }

    /// The empty object.
    public static let emptyObject = Value.object(ObjectValue())

    /// The empty set.
    public static let emptySet = Value.set(SetValue())

    /// The value as a string, if it is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as a number, if it is one.
    public var numberValue: Number? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The element, member or key `key` of a collection, as a reference `x[key]` reads it.
    public subscript(key: Value) -> Value? {
        switch self {
        case .array(let elements):
            guard case .number(let n) = key, let index = n.exactInt, index >= 0, index < elements.count else {
                return nil
            }
            return elements[index]
        case .object(let object):
            return object[key]
        case .set(let set):
            return set.contains(key) ? key : nil
        default:
            return nil
        }
    }
}

extension Value: Equatable {
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        case (.set(let a), .set(let b)): return a == b
        default: return false
        }
    }
}

extension Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(typeRank)
        switch self {
        case .null: break
        case .bool(let b): hasher.combine(b)
        case .number(let n): hasher.combine(n)
        case .string(let s): hasher.combine(s)
        case .array(let a): hasher.combine(a)
        case .object(let o): hasher.combine(o)
        case .set(let s): hasher.combine(s)
        }
    }
}

extension Value: Comparable {
    public static func < (lhs: Value, rhs: Value) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// OPA's total order: negative, zero or positive as `lhs` sorts before, equal to or after `rhs`.
    public static func compare(_ lhs: Value, _ rhs: Value) -> Int {
        switch (lhs, rhs) {
        case (.null, .null): return 0
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.number(let a), .number(let b)): return Number.compare(a, b)
        case (.string(let a), .string(let b)): return compareUTF8(a, b)
        case (.array(let a), .array(let b)): return compareSequences(a, b)
        case (.object(let a), .object(let b)): return ObjectValue.compare(a, b)
        case (.set(let a), .set(let b)): return compareSequences(a.elements, b.elements)
        default: return lhs.typeRank - rhs.typeRank
        }
    }

    static func compareUTF8(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { left in
            b.withUTF8 { right in
                for index in 0..<Swift.min(left.count, right.count) where left[index] != right[index] {
                    return left[index] < right[index] ? -1 : 1
                }
                return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
            }
        }
    }

    static func compareSequences(_ a: [Value], _ b: [Value]) -> Int {
        for (x, y) in zip(a, b) {
            let c = compare(x, y)
            if c != 0 { return c }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
