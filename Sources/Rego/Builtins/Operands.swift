/// The operands of a builtin call, with typed accessors that throw OPA's operand type errors.
public struct Operands: Sendable {
    /// The operand values, in call order.
    public let values: [Value]

    /// Operands from values.
    public init(_ values: [Value]) { self.values = values }

    /// The number of operands.
    public var count: Int { values.count }

    /// Operand `index` (0-based).
    public subscript(index: Int) -> Value { values[index] }

    /// Operand `index` as a string.
    public func string(_ index: Int) throws -> String {
        if case .string(let s) = values[index] { return s }
        throw BuiltinError.operand(index + 1, mustBe: "string", got: values[index])
    }

    /// Operand `index` as a number.
    public func number(_ index: Int) throws -> Number {
        if case .number(let n) = values[index] { return n }
        throw BuiltinError.operand(index + 1, mustBe: "number", got: values[index])
    }

    /// Operand `index` as an integer that fits in `Int`.
    public func int(_ index: Int) throws -> Int {
        let n = try number(index)
        guard let v = n.exactInt else { throw BuiltinError.operand(index + 1, mustBe: "integer", got: values[index]) }
        return v
    }

    /// Operand `index` as a boolean.
    public func bool(_ index: Int) throws -> Bool {
        if case .bool(let b) = values[index] { return b }
        throw BuiltinError.operand(index + 1, mustBe: "boolean", got: values[index])
    }

    /// Operand `index` as an array.
    public func array(_ index: Int) throws -> [Value] {
        if case .array(let a) = values[index] { return a }
        throw BuiltinError.operand(index + 1, mustBe: "array", got: values[index])
    }

    /// Operand `index` as an object.
    public func object(_ index: Int) throws -> ObjectValue {
        if case .object(let o) = values[index] { return o }
        throw BuiltinError.operand(index + 1, mustBe: "object", got: values[index])
    }

    /// Operand `index` as a set.
    public func set(_ index: Int) throws -> SetValue {
        if case .set(let s) = values[index] { return s }
        throw BuiltinError.operand(index + 1, mustBe: "set", got: values[index])
    }

    /// The members of operand `index` when it is an array or a set.
    public func arrayOrSet(_ index: Int) throws -> [Value] {
        switch values[index] {
        case .array(let a): return a
        case .set(let s): return s.elements
        default: throw BuiltinError.operand(index + 1, mustBe: "one of {array, set}", got: values[index])
        }
    }
}
