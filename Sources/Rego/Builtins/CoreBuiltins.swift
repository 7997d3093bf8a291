/// The builtins behind Rego's operators (`==`, `<`, `+`, `&`, `in`, …), `count` and `print`.
enum CoreBuiltins {
    static let all: [Builtin] = comparisons + arithmetic + [
        Builtin("and", arity: 2) { args, _ in .set(try args.set(0).intersection(try args.set(1))) },
        Builtin("or", arity: 2) { args, _ in .set(try args.set(0).union(try args.set(1))) },
        Builtin("internal.member_2", arity: 2) { args, _ in .bool(isMember(args[0], of: args[1])) },
        Builtin("internal.member_3", arity: 3) { args, _ in
            .bool(isMember(key: args[0], value: args[1], of: args[2]))
        },
        Builtin("count", arity: 1) { args, _ in
            switch args[0] {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int(o.count)
            case .set(let s): return .int(s.count)
            default: throw BuiltinError.operand(1, mustBe: "one of {array, object, set, string}", got: args[0])
            }
        },
        Builtin("print", arity: nil) { args, context in
            context.printLine(args.values.map(\.printText).joined(separator: " "))
            return .bool(true)
        },
    ]

    static let comparisons: [Builtin] = [
        Builtin("equal", arity: 2) { args, _ in .bool(args[0] == args[1]) },
        Builtin("neq", arity: 2) { args, _ in .bool(args[0] != args[1]) },
        Builtin("lt", arity: 2) { args, _ in .bool(Value.compare(args[0], args[1]) < 0) },
        Builtin("lte", arity: 2) { args, _ in .bool(Value.compare(args[0], args[1]) <= 0) },
        Builtin("gt", arity: 2) { args, _ in .bool(Value.compare(args[0], args[1]) > 0) },
        Builtin("gte", arity: 2) { args, _ in .bool(Value.compare(args[0], args[1]) >= 0) },
    ]

    static let arithmetic: [Builtin] = [
        Builtin("plus", arity: 2) { args, _ in .number(try args.number(0) + args.number(1)) },
        Builtin("mul", arity: 2) { args, _ in .number(try args.number(0) * args.number(1)) },
        Builtin("minus", arity: 2) { args, _ in
            switch (args[0], args[1]) {
            case (.number(let a), .number(let b)): return .number(a - b)
            case (.set(let a), .set(let b)): return .set(a.subtracting(b))
            case (.number, _), (.set, _):
                throw BuiltinError.operand(2, mustBe: args[0].typeName, got: args[1])
            default:
                throw BuiltinError.operand(1, mustBe: "one of {number, set}", got: args[0])
            }
        },
        Builtin("div", arity: 2) { args, _ in
            let a = try args.number(0)
            let b = try args.number(1)
            guard let quotient = Number.divide(a, b) else { throw BuiltinError.failure("divide by zero") }
            return .number(quotient)
        },
        Builtin("rem", arity: 2) { args, _ in
            let a = try args.number(0)
            let b = try args.number(1)
            guard a.isInteger, b.isInteger else {
                throw BuiltinError.failure("modulo on floating-point number")
            }
            guard let remainder = Number.remainder(a, b) else { throw BuiltinError.failure("modulo by zero") }
            return .number(remainder)
        },
    ]

    /// `x in c`: membership among an array's elements, a set's members or an object's values.
    static func isMember(_ x: Value, of collection: Value) -> Bool {
        switch collection {
        case .array(let a): return a.contains(x)
        case .set(let s): return s.contains(x)
        case .object(let o): return o.entries.contains { $0.value == x }
        default: return false
        }
    }

    /// `k, v in c`: `c[k] == v` for arrays and objects; sets have no keys.
    static func isMember(key: Value, value: Value, of collection: Value) -> Bool {
        switch collection {
        case .array, .object: return collection[key] == value
        default: return false
        }
    }
}
