/// `object.get`, `object.keys`, `object.remove`, `object.filter`, `object.union`, `object.union_n` and
/// `object.subset`.
extension CollectionBuiltins {
    static let objectBuiltins: [Builtin] = [
        Builtin("object.get", arity: 3) { args, _ in
            let object = try args.object(0)
            guard case .array(let path) = args[1] else { return object[args[1]] ?? args[2] }
            var current = Value.object(object)
            for key in path {
                guard let next = current[key] else { return args[2] }
                current = next
            }
            return current
        },
        Builtin("object.keys", arity: 1) { args, _ in .set(SetValue(try args.object(0).keys)) },
        Builtin("object.remove", arity: 2) { args, _ in
            let object = try args.object(0)
            let keys = try keySet(args, 1)
            return .object(ObjectValue(sortedEntries: object.entries.filter { !keys.contains($0.key) }))
        },
        Builtin("object.filter", arity: 2) { args, _ in
            let object = try args.object(0)
            let keys = try keySet(args, 1)
            return .object(ObjectValue(sortedEntries: object.entries.filter { keys.contains($0.key) }))
        },
        Builtin("object.union", arity: 2) { args, _ in
            .object(merge(try args.object(0), try args.object(1)))
        },
        Builtin("object.union_n", arity: 1) { args, _ in
            let objects = try args.array(0).map { element in
                guard case .object(let object) = element else {
                    throw BuiltinError(
                        kind: .type,
                        message: "operand 1 must be array of objects but got array containing \(element.typeName)")
                }
                return object
            }
            return .object(objects.reduce(ObjectValue(), merge))
        },
        Builtin("object.subset", arity: 2) { args, _ in
            switch (args[0], args[1]) {
            case (.object, .object), (.set, .set), (.array, .array), (.array, .set):
                return .bool(isSubset(args[1], of: args[0]))
            case (.object, _), (.set, _), (.array, _):
                throw BuiltinError.operand(
                    2, mustBe: "one of {object, set, array} of the same kind as operand 1", got: args[1])
            default:
                throw BuiltinError.operand(1, mustBe: "one of {object, set, array}", got: args[0])
            }
        },
    ]

    /// The keys named by operand `index`: a set's members, an array's elements or an object's keys.
    private static func keySet(_ args: Operands, _ index: Int) throws -> SetValue {
        switch args[index] {
        case .set(let set): return set
        case .array(let elements): return SetValue(elements)
        case .object(let object): return SetValue(sortedUnique: object.keys)
        default: throw BuiltinError.operand(index + 1, mustBe: "one of {object, set, array}", got: args[index])
        }
    }

    /// `right` merged into `left`: where both hold an object under the same key the two merge recursively,
    /// otherwise `right`'s value wins.
    static func merge(_ left: ObjectValue, _ right: ObjectValue) -> ObjectValue {
        var result = left
        for (key, value) in right.entries {
            if case .object(let mine)? = result[key], case .object(let theirs) = value {
                result[key] = .object(merge(mine, theirs))
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// Whether `sub` is contained in `whole`: objects key by key (recursing into their values), sets by
    /// membership, arrays as a contiguous run, a set in an array by membership, anything else by equality.
    static func isSubset(_ sub: Value, of whole: Value) -> Bool {
        switch (whole, sub) {
        case (.object(let whole), .object(let sub)):
            return sub.entries.allSatisfy { entry in
                guard let candidate = whole[entry.key] else { return false }
                return isSubset(entry.value, of: candidate)
            }
        case (.set(let whole), .set(let sub)):
            return sub.elements.allSatisfy { whole.contains($0) }
        case (.array(let whole), .set(let sub)):
            return sub.elements.allSatisfy { whole.contains($0) }
        case (.array(let whole), .array(let sub)):
            guard sub.count <= whole.count else { return false }
            if sub.isEmpty { return true }
            return (0...(whole.count - sub.count)).contains { start in
                whole[start..<(start + sub.count)].elementsEqual(sub)
            }
        default:
            return whole == sub
        }
    }
}
