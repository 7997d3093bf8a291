/// Builtins over arrays, sets and objects: aggregates, `array.*`, set unions and intersections, `object.*`,
/// `json.filter`, `json.remove`, `json.patch`, `walk` and `graph.*`.
enum CollectionBuiltins {
    static let all: [Builtin] =
        aggregates + arrayBuiltins + setBuiltins + objectBuiltins + jsonPathBuiltins + jsonPatchBuiltins
        + graphBuiltins

    static let aggregates: [Builtin] = [
        Builtin("sum", arity: 1) { args, _ in
            .number(try numbers(args, 0).reduce(Number(0), +))
        },
        Builtin("product", arity: 1) { args, _ in
            .number(try numbers(args, 0).reduce(Number(1), *))
        },
        Builtin("max", arity: 1) { args, _ in try args.arrayOrSet(0).max { Value.compare($0, $1) < 0 } },
        Builtin("min", arity: 1) { args, _ in try args.arrayOrSet(0).min { Value.compare($0, $1) < 0 } },
        Builtin("sort", arity: 1) { args, _ in
            switch args[0] {
            case .set(let set): return .array(set.elements)
            default: return .array(try args.arrayOrSet(0).sorted { Value.compare($0, $1) < 0 })
            }
        },
    ]

    /// The members of array-or-set operand `index`, each of which must be a number.
    private static func numbers(_ args: Operands, _ index: Int) throws -> [Number] {
        try args.arrayOrSet(index).map { element in
            guard case .number(let n) = element else {
                throw BuiltinError(
                    kind: .type,
                    message: "operand \(index + 1) must be one of {array, set} of numbers but got "
                        + "\(args[index].typeName) containing \(element.typeName)")
            }
            return n
        }
    }

    static let arrayBuiltins: [Builtin] = [
        Builtin("array.concat", arity: 2) { args, _ in .array(try args.array(0) + args.array(1)) },
        Builtin("array.reverse", arity: 1) { args, _ in .array(try args.array(0).reversed()) },
        Builtin("array.slice", arity: 3) { args, _ in
            let elements = try args.array(0)
            let start = clampedIndex(try args.wholeNumber(1), count: elements.count)
            let stop = clampedIndex(try args.wholeNumber(2), count: elements.count)
            guard start < stop else { return .array([]) }
            return .array(Array(elements[start..<stop]))
        },
        Builtin("array.flatten", arity: 1) { args, _ in
            .array(try args.array(0).flatMap { element -> [Value] in
                if case .array(let nested) = element { return nested }
                return [element]
            })
        },
    ]

    /// `index` clamped into `0...count`.
    private static func clampedIndex(_ index: BigInt, count: Int) -> Int {
        if index.isNegative { return 0 }
        guard let small = index.int64, small < Int64(count) else { return count }
        return Int(small)
    }

    static let setBuiltins: [Builtin] = [
        Builtin("union", arity: 1) { args, _ in
            .set(SetValue(try memberSets(args, 0).flatMap(\.elements)))
        },
        Builtin("intersection", arity: 1) { args, _ in
            let sets = try memberSets(args, 0)
            guard var result = sets.first else { return .emptySet }
            for set in sets.dropFirst() { result = result.intersection(set) }
            return .set(result)
        },
    ]

    /// The members of set operand `index`, each of which must be a set.
    private static func memberSets(_ args: Operands, _ index: Int) throws -> [SetValue] {
        try args.set(index).elements.map { member in
            guard case .set(let set) = member else {
                throw BuiltinError(
                    kind: .type,
                    message: "operand \(index + 1) must be set of sets but got set containing \(member.typeName)")
            }
            return set
        }
    }
}
