/// Rego modules and base data compiled once into an immutable policy that evaluates any number of queries,
/// concurrently, with different inputs.
public struct Policy: Sendable {
    let root: RuleNode
    /// How many nodes the rule tree has.
    let nodeCount: Int
    /// User functions by path under `data`, joined by `.`.
    let functions: [String: [Rule]]
    let functionPaths: Set<String>
    let builtins: BuiltinRegistry
    let baseData: Value

    /// Compiles modules (name and source) and base data.
    /// - Parameters:
    ///   - modules: each module's file name (used in error locations) and Rego v1 source.
    ///   - data: the base document mounted at `data`.
    ///   - builtins: the builtins policies may call; add native functions with `BuiltinRegistry.adding(_:)`.
    /// - Throws: `RegoError` with `rego_parse_error` and `file:line:col`, or a compile error.
    public init(
        modules: [(name: String, source: String)],
        data: Value = .emptyObject,
        builtins: BuiltinRegistry = .standard
    ) throws {
        var parsed: [Module] = []
        for module in modules {
            var parser = try Parser(source: module.source, file: module.name)
            parsed.append(try parser.parseModule())
        }
        try self.init(parsed: parsed, data: data, builtins: builtins)
    }

    init(root: RuleNode, nodeCount: Int, functions: [String: [Rule]], functionPaths: Set<String>,
         builtins: BuiltinRegistry, baseData: Value) {
        self.root = root
        self.nodeCount = nodeCount
        self.functions = functions
        self.functionPaths = functionPaths
        self.builtins = builtins
        self.baseData = baseData
    }

    init(parsed: [Module], data: Value, builtins: BuiltinRegistry) throws {
        var functionPaths: Set<String> = []
        for module in parsed {
            for rule in module.rules where rule.arguments != nil {
                functionPaths.insert((["data"] + module.package + Policy.constantKeys(rule.head)).joined(separator: "."))
            }
        }
        var functionArity: [String: Int] = [:]
        for module in parsed {
            for rule in module.rules {
                if let arguments = rule.arguments {
                    functionArity[(["data"] + module.package + Policy.constantKeys(rule.head)).joined(separator: ".")] = arguments.count
                }
            }
        }
        let arity = Policy.arity(builtins: builtins, functions: functionArity)
        let rootBuilder = RuleNodeBuilder()
        var functions: [String: [Rule]] = [:]
        var rulesByPackage: [[String]: Set<String>] = [:]
        for module in parsed {
            for rule in module.rules {
                if case .value(.string(let name)) = rule.head[0] {
                    rulesByPackage[module.package, default: []].insert(name)
                }
            }
        }
        for module in parsed {
            var imports: [String: Term] = [:]
            for imported in module.imports {
                guard let (term, defaultAlias) = Policy.importTerm(imported.path) else {
                    throw RegoError(code: .compile, message: "invalid import path", location: imported.location)
                }
                if defaultAlias == "rego" || defaultAlias == "future" { continue }
                if case .ref(.variable("future"), _) = imported.path { continue }
                imports[imported.alias ?? defaultAlias] = term
            }
            var packageNode = rootBuilder
            for key in module.package { packageNode = packageNode.child(key) }
            for var rule in module.rules {
                var resolver = Resolver(packagePath: module.package, ruleNames: rulesByPackage[module.package] ?? [],
                                        imports: imports, functionPaths: functionPaths, builtins: builtins)
                try resolver.resolve(rule: &rule)
                rule.body = SafetyOrdering.reorder(rule.body, bound: SafetyOrdering.slots(in: rule.arguments ?? []),
                                                   arity: arity)
                let keys = Policy.constantKeys(rule.head)
                let fullPath = module.package + keys
                if rule.arguments != nil {
                    functions[(["data"] + fullPath).joined(separator: "."), default: []].append(rule)
                    var packageNode = rootBuilder
                    for key in fullPath.dropLast() { packageNode = packageNode.child(key) }
                    continue
                }
                var node = rootBuilder
                for key in fullPath { node = node.child(key) }
                if keys.count == rule.head.count, rule.kind == .singleValue {
                    node.completeRules.append(rule)
                } else {
                    node.partialRules.append(rule)
                }
            }
        }
        var nodeCount = 0
        self.root = rootBuilder.freeze(path: [], base: data, nextIndex: &nodeCount)
        self.nodeCount = nodeCount
        self.functions = functions
        self.functionPaths = functionPaths
        self.builtins = builtins
        self.baseData = data
    }

    /// The number of operands each builtin or user function takes.
    static func arity(builtins: BuiltinRegistry, functions: [String: Int]) -> SafetyOrdering.Arity {
        { callee in
            switch callee {
            case .builtin(let name), .name(let name): return builtins[name]?.arity
            case .function(let path): return functions[(["data"] + path).joined(separator: ".")]
            }
        }
    }

    /// The leading constant string keys of a rule head.
    static func constantKeys(_ head: [Term]) -> [String] {
        var keys: [String] = []
        for term in head {
            guard case .value(.string(let key)) = term else { break }
            keys.append(key)
        }
        return keys
    }

    /// An import path as a resolved reference, and its default alias (the last key).
    private static func importTerm(_ path: Term) -> (Term, String)? {
        switch path {
        case .variable(let name):
            if name == "input" { return (.input, name) }
            if name == "data" { return (.data, name) }
            return (.variable(name), name)
        case .ref(.variable(let root), let keys):
            guard case .value(.string(let last))? = keys.last else { return nil }
            switch root {
            case "data": return (.ref(.data, keys), last)
            case "input": return (.ref(.input, keys), last)
            default: return (.variable(root), root)
            }
        default:
            return nil
        }
    }
}
