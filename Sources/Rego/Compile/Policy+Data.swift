extension Policy {
    /// The same compiled rules over a different base document, without parsing or compiling again: how the agent
    /// policy's state (`data.pstate`) changes between requests.
    public func replacingData(with data: Value) -> Policy {
        Policy(root: root.rebased(on: data), nodeCount: nodeCount, functions: functions, functionPaths: functionPaths,
               builtins: builtins, baseData: data)
    }

    /// The base document.
    public var data: Value { baseData }
}

extension RuleNode {
    /// This tree with the base document replaced.
    func rebased(on base: Value?) -> RuleNode {
        var children: [String: RuleNode] = [:]
        for (key, child) in self.children { children[key] = child.rebased(on: base?[.string(key)]) }
        return RuleNode(path: path, completeRules: completeRules, partialRules: partialRules, base: base,
                        children: children, index: index)
    }
}
