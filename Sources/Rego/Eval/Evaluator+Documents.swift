extension Evaluator {
    /// Follows a reference under `data` through the rule tree, evaluating rules where the path reaches them.
    func evalDataRef(_ node: RuleNode, _ path: [Term], _ index: Int, _ frame: Frame, _ k: (Value) throws -> Void) throws {
        if let replaced = override(at: node.path) {
            try walk(replaced, path, index, frame, k)
            return
        }
        if node.hasRules || index == path.count {
            if let value = try documentValue(node) { try walk(value, path, index, frame, k) }
            return
        }
        let key = path[index]
        func descend(_ keyValue: Value) throws {
            let name = keyString(keyValue)
            if let replaced = override(at: node.path + [name]) {
                try walk(replaced, path, index + 1, frame, k)
            } else if let child = node.children[name] {
                try evalDataRef(child, path, index + 1, frame, k)
            } else {
                let child = node.base.flatMap { $0[keyValue] ?? $0[.string(name)] }
                let childPath = node.path + [name]
                if child != nil || hasOverride(below: childPath) {
                    try walk(patched(child ?? .emptyObject, at: childPath), path, index + 1, frame,
                             baseDocument: true, k)
                }
            }
        }
        if case .value(let constant) = key {
            try descend(constant)
            return
        }
        if case .local(let slot) = key, frame.slots[slot] == nil {
            for candidate in childKeys(node) {
                try bind(slot, candidate, frame) { try descend(candidate) }
            }
            return
        }
        if isPattern(key, frame) {
            for candidate in childKeys(node) {
                try unifyValue(key, candidate, frame) { try descend(candidate) }
            }
            return
        }
        try evalTerm(key, frame) { try descend($0) }
    }

    private func keyString(_ key: Value) -> String {
        if case .string(let s) = key { return s }
        return key.jsonText
    }

    /// The keys under a node: its children's and its base document's, in order.
    private func childKeys(_ node: RuleNode) -> [Value] {
        var keys = SetValue(node.children.keys.map { Value.string($0) })
        for entry in dataOverrides where entry.path.count > node.path.count && Array(entry.path.prefix(node.path.count)) == node.path {
            keys.insert(.string(entry.path[node.path.count]))
        }
        if case .object(let base)? = node.base {
            for key in base.keys { keys.insert(key) }
        }
        return keys.elements
    }

    /// The whole document at a node: its rules' value, or its base document merged with its children's documents.
    func documentValue(_ node: RuleNode) throws -> Value? {
        if let replaced = override(at: node.path) { return replaced }
        let id = node.index
        if let cached = cache[id] { return cached }
        guard !inProgress[id] else {
            throw RegoError(code: .recursion, message: "rule data.\(node.path.joined(separator: ".")) is recursive",
                            location: node.completeRules.first?.location ?? node.partialRules.first?.location)
        }
        inProgress[id] = true
        defer { inProgress[id] = false }
        let value = try computeDocument(node)
        cache[id] = value
        return value
    }

    private func computeDocument(_ node: RuleNode) throws -> Value? {
        if !node.completeRules.isEmpty {
            return try completeRuleValue(node.completeRules).map { patched($0, at: node.path) }
        }
        var document: Value?
        if !node.partialRules.isEmpty {
            document = try partialRulesValue(node.partialRules)
        }
        if !node.children.isEmpty || node.base != nil {
            var object: ObjectValue
            switch document ?? node.base {
            case .object(let existing)?: object = existing
            case nil: object = ObjectValue()
            case let other?:
                return node.children.isEmpty ? patched(other, at: node.path) : other
            }
            if document != nil, case .object(let base)? = node.base {
                for entry in base.entries where object[entry.key] == nil { object[entry.key] = entry.value }
            }
            for (name, child) in node.children {
                if let childValue = try documentValue(child) {
                    let existing = object[.string(name)]
                    if document != nil, let existing,
                       !Evaluator.canMerge(existing, childValue, leafDepth: node.partialRuleLeafDepth.map { $0 - 1 }) {
                        throw RegoError(code: .evalConflict, message: "object keys must be unique",
                                        location: child.completeRules.first?.location ?? child.partialRules.first?.location)
                    }
                    // Base data wins where a rule defines the same key: OPA reads base documents first.
                    object[.string(name)] = document == nil
                        ? existing.map { Evaluator.merge(childValue, $0) } ?? childValue
                        : Evaluator.merge(existing, childValue)
                }
            }
            document = .object(object)
        }
        return patched(document ?? .emptyObject, at: node.path)
    }

    /// Two documents at one path combined: objects key by key, sets by union; otherwise the later one.
    static func merge(_ existing: Value?, _ addition: Value) -> Value {
        switch (existing, addition) {
        case (.object(let left)?, .object(let right)):
            var merged = left
            for entry in right.entries { merged[entry.key] = merge(merged[entry.key], entry.value) }
            return .object(merged)
        case (.set(let left)?, .set(let right)):
            return .set(left.union(right))
        default:
            return addition
        }
    }

    /// Whether two rule-built documents at one path combine without one overriding the other. `leafDepth` is how
    /// far below this path the existing document holds a rule's own value, which another rule may not reach into.
    static func canMerge(_ existing: Value, _ addition: Value, leafDepth: Int? = nil) -> Bool {
        switch (existing, addition) {
        case (.set, .set):
            return true
        case (.object(let left), .object(let right)) where leafDepth.map({ $0 > 0 }) ?? true:
            return right.entries.allSatisfy { entry in
                left[entry.key].map { canMerge($0, entry.value, leafDepth: leafDepth.map { $0 - 1 }) } ?? true
            }
        default:
            return existing == addition
        }
    }

    /// Whether a `with` replacement lies strictly below `path`.
    func hasOverride(below path: [String]) -> Bool {
        dataOverrides.contains { $0.path.count > path.count && Array($0.path.prefix(path.count)) == path }
    }

    // MARK: rules

    /// The value of complete rules at one path: all definitions must agree; else `default`.
    func completeRuleValue(_ rules: [Rule]) throws -> Value? {
        try agreedValue(of: rules, arguments: [], conflict: "complete rules must not produce multiple outputs",
                        location: nil)
    }

    /// Each value a rule produces: its body's solutions, or else its first `else` clause that has one.
    func evalRuleValues(_ rule: Rule, _ frame: Frame, _ k: (Value) throws -> Void) throws {
        var produced = false
        try evalRuleBody(rule.body, rule, frame) {
            try evalTerm(rule.value, frame) { value in
                produced = true
                try k(value)
            }
        }
        if produced || rule.elses.isEmpty { return }
        for clause in rule.elses {
            var clauseValues: [Value] = []
            try evalRuleBody(clause.body, rule, frame) {
                try evalTerm(clause.value, frame) { clauseValues.append($0) }
            }
            if !clauseValues.isEmpty {
                for value in clauseValues { try k(value) }
                return
            }
        }
    }

    /// The object or set that partial rules (computed keys, `contains`) build at a path.
    private func partialRulesValue(_ rules: [Rule]) throws -> Value? {
        var document: Value?
        for rule in rules {
            let constantLength = Policy.constantKeys(rule.head).count
            let suffix = Array(rule.head[constantLength...])
            try withFrame(rule.slotCount) { frame in
                try evalBody(rule.body, 0, frame) {
                    try evalTerms(suffix, frame) { keys in
                        try evalTerm(rule.value, frame) { value in
                            document = try insert(value, at: keys[...], into: document,
                                                  multiValue: rule.kind == .multiValue, location: rule.location)
                        }
                    }
                }
            }
        }
        if document == nil {
            let allMulti = rules.allSatisfy { $0.kind == .multiValue && Policy.constantKeys($0.head).count == $0.head.count }
            return allMulti ? .emptySet : .emptyObject
        }
        return document
    }

    private func insert(
        _ value: Value, at keys: ArraySlice<Value>, into document: Value?, multiValue: Bool, location: Location
    ) throws -> Value {
        guard let key = keys.first else {
            if multiValue {
                var set: SetValue
                switch document {
                case .set(let existing)?: set = existing
                case nil: set = SetValue()
                default: throw RegoError(code: .evalConflict, message: "object keys must be unique", location: location)
                }
                set.insert(value)
                return .set(set)
            }
            if let document, document != value {
                throw RegoError(code: .evalConflict, message: "object keys must be unique", location: location)
            }
            return value
        }
        var object: ObjectValue
        switch document {
        case .object(let existing)?: object = existing
        case nil: object = ObjectValue()
        default: throw RegoError(code: .evalConflict, message: "object keys must be unique", location: location)
        }
        object[key] = try insert(value, at: keys.dropFirst(), into: object[key], multiValue: multiValue, location: location)
        return .object(object)
    }

    // MARK: `with data…` replacements

    /// The replacement for exactly this path, if one is in force.
    func override(at path: [String]) -> Value? {
        guard !dataOverrides.isEmpty else { return nil }
        for entry in dataOverrides.reversed() where entry.path == path { return entry.value }
        for entry in dataOverrides.reversed() where entry.path.count < path.count && Array(path.prefix(entry.path.count)) == entry.path {
            var value: Value? = entry.value
            for key in path.dropFirst(entry.path.count) { value = value?[.string(key)] }
            return value
        }
        return nil
    }

    /// A document with the replacements below `path` applied.
    func patched(_ value: Value, at path: [String]) -> Value {
        guard !dataOverrides.isEmpty else { return value }
        var result = value
        for entry in dataOverrides where entry.path.count > path.count && Array(entry.path.prefix(path.count)) == path {
            result = Evaluator.replacing(result, at: entry.path.dropFirst(path.count), with: entry.value)
        }
        return result
    }

    static func replacing(_ document: Value, at path: ArraySlice<String>, with value: Value) -> Value {
        guard let key = path.first else { return value }
        var object: ObjectValue
        if case .object(let existing) = document { object = existing } else { object = ObjectValue() }
        object[.string(key)] = replacing(object[.string(key)] ?? .emptyObject, at: path.dropFirst(), with: value)
        return .object(object)
    }
}
