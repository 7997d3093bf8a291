extension Policy {
    /// The references of every rule whose name starts with `test_` (`data.pkg.test_x`), in order, as `opa test`
    /// finds them.
    public var testRuleReferences: [String] {
        var found: [String] = []
        func visit(_ node: RuleNode) {
            if let name = node.path.last, name.hasPrefix("test_"), !node.completeRules.isEmpty {
                found.append((["data"] + node.path).joined(separator: "."))
            }
            for key in node.children.keys.sorted() {
                if let child = node.children[key] { visit(child) }
            }
        }
        visit(root)
        return found
    }
}
