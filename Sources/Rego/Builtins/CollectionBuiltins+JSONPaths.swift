/// `json.filter` and `json.remove`: keep or drop the parts of an object that paths name. A path is a string
/// `"a/b/0"` (`~1` and `~0` escape `/` and `~`) or an array of segments `["a", "b", 0]`.
extension CollectionBuiltins {
    static let jsonPathBuiltins: [Builtin] = [
        Builtin("json.filter", arity: 2) { args, _ in
            let object = try args.object(0)
            let paths = try PathSelection(paths: args, 1)
            return paths.keeping(in: .object(object)) ?? .emptyObject
        },
        Builtin("json.remove", arity: 2) { args, _ in
            let object = try args.object(0)
            let paths = try PathSelection(paths: args, 1)
            return paths.removing(from: .object(object)) ?? .emptyObject
        },
    ]

    /// The segments of a slash-separated path: a leading `/` is optional, `~1` stands for `/` and `~0` for `~`.
    static func pathSegments(_ path: String) -> [Value] {
        let body = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        return body.split(separator: "/", omittingEmptySubsequences: false).map { .string(unescapePointerToken($0)) }
    }

    /// A JSON Pointer token with `~1` read as `/` and `~0` as `~`, left to right.
    static func unescapePointerToken(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        var result = ""
        var iterator = token.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            case let other?: result.append("~"); result.append(other)
            case nil: result.append("~")
            }
        }
        return result
    }

    /// The array index a path segment names: a non-negative integer, or its decimal text without leading zeros.
    static func arrayIndex(_ segment: Value) -> Int? {
        switch segment {
        case .number(let n):
            guard let index = n.exactInt, index >= 0 else { return nil }
            return index
        case .string(let text):
            let utf8 = text.utf8
            guard let first = utf8.first, utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  first != UInt8(ascii: "0") || utf8.count == 1
            else { return nil }
            return Int(text)
        default:
            return nil
        }
    }
}

/// A set of paths sharing prefixes. A node that ends a path stands for everything beneath it.
struct PathSelection: Sendable {
    private var isEnd = false
    private var children: [Value: PathSelection] = [:]

    private init() {}

    /// The paths in operand `index`: a set or array of string paths or arrays of segments.
    init(paths args: Operands, _ index: Int) throws {
        let paths: [Value]
        switch args[index] {
        case .set(let set): paths = set.elements
        case .array(let elements): paths = elements
        default: throw BuiltinError.operand(index + 1, mustBe: "one of {set, array}", got: args[index])
        }
        self.init()
        for path in paths {
            switch path {
            case .string(let text): insert(CollectionBuiltins.pathSegments(text)[...])
            case .array(let segments): insert(segments[...])
            default:
                throw BuiltinError.operand(
                    index + 1,
                    mustBe: "one of {set, array} containing string paths or array of path segments",
                    got: path)
            }
        }
    }

    /// Adds one path; a path that ends at or below an existing end adds nothing.
    private mutating func insert(_ segments: ArraySlice<Value>) {
        if isEnd { return }
        guard let first = segments.first else {
            isEnd = true
            children = [:]
            return
        }
        var child = children[first] ?? PathSelection()
        child.insert(segments.dropFirst())
        children[first] = child
    }

    /// The child for an array element: its index as a string segment or as a number segment.
    private func child(atIndex index: Int) -> PathSelection? {
        children[.string(String(index))] ?? children[.int(index)]
    }

    /// Only the parts of `value` these paths reach; `nil` when none are.
    func keeping(in value: Value) -> Value? {
        if isEnd { return value }
        switch value {
        case .object(let object):
            return .object(ObjectValue(sortedEntries: object.entries.compactMap { entry in
                guard let child = children[entry.key], let kept = child.keeping(in: entry.value) else { return nil }
                return (entry.key, kept)
            }))
        case .array(let elements):
            return .array(elements.enumerated().compactMap { index, element in
                child(atIndex: index)?.keeping(in: element)
            })
        case .set(let set):
            return .set(SetValue(set.elements.compactMap { member in children[member]?.keeping(in: member) }))
        default:
            return nil
        }
    }

    /// `value` without the parts these paths reach; `nil` when a path names `value` itself.
    func removing(from value: Value) -> Value? {
        if isEnd { return nil }
        switch value {
        case .object(let object):
            return .object(ObjectValue(sortedEntries: object.entries.compactMap { entry in
                guard let child = children[entry.key] else { return entry }
                return child.removing(from: entry.value).map { (entry.key, $0) }
            }))
        case .array(let elements):
            return .array(elements.enumerated().compactMap { index, element in
                guard let child = child(atIndex: index) else { return element }
                return child.removing(from: element)
            })
        case .set(let set):
            return .set(SetValue(set.elements.compactMap { member in
                guard let child = children[member] else { return member }
                return child.removing(from: member)
            }))
        default:
            return value
        }
    }
}
