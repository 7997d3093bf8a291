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

extension PreparedQuery {
    /// The same compiled query over a different base document: how a caller whose `data` changes per request
    /// (the key broker's resource policy) evaluates without compiling again.
    public func replacingData(with data: Value) -> PreparedQuery {
        PreparedQuery(policy: policy.replacingData(with: data), body: body, slotCount: slotCount, namedSlots: namedSlots)
    }
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
