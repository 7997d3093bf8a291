/// A node of the document tree under `data`: the rules whose head's constant prefix ends here, the base document
/// at this path, and child nodes by key.
final class RuleNode: Sendable {
    /// The path from `data` to here.
    let path: [String]
    /// Rules whose whole head is this path (complete rules, including defaults).
    let completeRules: [Rule]
    /// Rules whose head continues past this path with computed keys, or that add set members here.
    let partialRules: [Rule]
    /// The base document at this path, if any.
    let base: Value?
    let children: [String: RuleNode]
    /// This node's position in its tree, which indexes the evaluator's per-query document cache.
    let index: Int
    /// How far below this node the nearest single-value partial rule puts its value (`p[q].r := v` at `p`: 2);
    /// other rules may build documents around that value but not inside it.
    let partialRuleLeafDepth: Int?

    init(path: [String], completeRules: [Rule], partialRules: [Rule], base: Value?, children: [String: RuleNode],
         index: Int) {
        self.index = index
        partialRuleLeafDepth = partialRules.lazy.filter { $0.kind == .singleValue }
            .map { $0.head.count - Policy.constantKeys($0.head).count }.min()
        self.path = path
        self.completeRules = completeRules
        self.partialRules = partialRules
        self.base = base
        self.children = children
    }

    /// Whether rules define this node's value directly.
    var hasRules: Bool { !completeRules.isEmpty || !partialRules.isEmpty }
}

/// A mutable tree used while compiling, frozen into `RuleNode`s.
final class RuleNodeBuilder {
    var completeRules: [Rule] = []
    var partialRules: [Rule] = []
    var children: [String: RuleNodeBuilder] = [:]

    func child(_ key: String) -> RuleNodeBuilder {
        if let existing = children[key] { return existing }
        let created = RuleNodeBuilder()
        children[key] = created
        return created
    }

    /// The immutable tree, its nodes numbered from `nextIndex` on.
    func freeze(path: [String], base: Value?, nextIndex: inout Int) -> RuleNode {
        let index = nextIndex
        nextIndex += 1
        var frozen: [String: RuleNode] = [:]
        var baseObject: ObjectValue?
        if case .object(let object)? = base { baseObject = object }
        for (key, child) in children {
            frozen[key] = child.freeze(path: path + [key], base: baseObject?[key], nextIndex: &nextIndex)
        }
        return RuleNode(path: path, completeRules: completeRules, partialRules: partialRules, base: base,
                        children: frozen, index: index)
    }
}
