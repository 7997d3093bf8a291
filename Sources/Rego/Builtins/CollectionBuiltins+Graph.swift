/// `walk`, `graph.reachable` and `graph.reachable_paths`. A graph is an object from each node to an array or set
/// of its neighbours; a node that is not a key of the graph is not part of it.
extension CollectionBuiltins {
    static let graphBuiltins: [Builtin] = [
        Builtin(relation: "walk", arity: 1) { args, _ in
            var outputs: [Value] = []
            walk(args[0], path: [], into: &outputs)
            return outputs
        },
        Builtin("graph.reachable", arity: 2) { args, _ in
            let graph = try args.object(0)
            var reached: Set<Value> = []
            var pending = try args.arrayOrSet(1)
            while let node = pending.popLast() {
                guard let edges = graph[node], reached.insert(node).inserted else { continue }
                pending.append(contentsOf: neighbours(edges).filter { !reached.contains($0) })
            }
            return .set(SetValue(reached))
        },
        Builtin("graph.reachable_paths", arity: 2) { args, _ in
            let graph = try args.object(0)
            var search = PathSearch(graph: graph)
            for node in try args.arrayOrSet(1) where graph[node] != nil {
                search.extend(from: node)
            }
            return .set(SetValue(search.paths))
        },
    ]

    /// Appends `[path, value]` for `value` and then for everything inside it, in pre-order; object entries and
    /// set members come in sorted order, and a set member's path segment is the member itself.
    static func walk(_ value: Value, path: [Value], into outputs: inout [Value]) {
        outputs.append(.array([.array(path), value]))
        switch value {
        case .array(let elements):
            for (index, element) in elements.enumerated() { walk(element, path: path + [.int(index)], into: &outputs) }
        case .object(let object):
            for entry in object.entries { walk(entry.value, path: path + [entry.key], into: &outputs) }
        case .set(let set):
            for member in set.elements { walk(member, path: path + [member], into: &outputs) }
        default:
            break
        }
    }

    /// The neighbours an edge list names; anything but an array or set names none.
    static func neighbours(_ edges: Value) -> [Value] {
        switch edges {
        case .array(let elements): return elements
        case .set(let set): return set.elements
        default: return []
        }
    }
}

/// A depth-first search recording each path that cannot be extended further.
///
/// A path stops at a node with no neighbours, at a neighbour outside the graph, and at a neighbour that an earlier
/// step already extended a path from. A node is marked as extended only when a path continues from it into the
/// graph, so a node whose neighbours all lie outside the graph can end several paths. The search keeps its own
/// stack of frames, one per node on the current path, so that a long chain cannot overflow the thread's stack.
private struct PathSearch {
    private struct Frame {
        let node: Value
        let neighbours: [Value]
        var position = 0
    }

    let graph: ObjectValue
    private var extended: Set<Value> = []
    private var stack: [Frame] = []
    private(set) var paths: [Value] = []

    init(graph: ObjectValue) { self.graph = graph }

    /// Records every maximal path that starts at `start`.
    mutating func extend(from start: Value) {
        enter(start)
        while let top = stack.indices.last {
            guard stack[top].position < stack[top].neighbours.count else {
                stack.removeLast()
                continue
            }
            let neighbour = stack[top].neighbours[stack[top].position]
            stack[top].position += 1
            if graph[neighbour] == nil || extended.contains(neighbour) {
                recordCurrentPath()
            } else {
                extended.insert(stack[top].node)
                enter(neighbour)
            }
        }
    }

    /// Pushes the frame for `node`, recording the path at once when `node` has no neighbours.
    private mutating func enter(_ node: Value) {
        let neighbours = graph[node].map(CollectionBuiltins.neighbours) ?? []
        stack.append(Frame(node: node, neighbours: neighbours))
        if neighbours.isEmpty { recordCurrentPath() }
    }

    private mutating func recordCurrentPath() {
        paths.append(.array(stack.map(\.node)))
    }
}
