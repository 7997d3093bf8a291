/// Resolves the names in one rule or query: variables to frame slots, rule names and import aliases to references
/// under `data` or `input`, and call names to builtins or user functions.
struct Resolver {
    /// The package the rule is in, as a path under `data`.
    let packagePath: [String]
    /// Names of the rules in the package (the first element of each head).
    let ruleNames: Set<String>
    /// Import aliases and the references they stand for.
    let imports: [String: Term]
    /// Every user function's path under `data`, joined by `.`.
    let functionPaths: Set<String>
    let builtins: BuiltinRegistry

    private var scopes: [[String: Int]] = [] {
        didSet { while laterDeclarations.count < scopes.count { laterDeclarations.append([]) }
                 while laterDeclarations.count > scopes.count { laterDeclarations.removeLast() } }
    }
    /// For each scope, the names that expressions after the current one declare (`:=`, `some`): a nested
    /// comprehension before the declaration does not see them.
    private var laterDeclarations: [Set<String>] = []
    private(set) var slotCount = 0
    /// Slot of each query variable, for reading results.
    private(set) var namedSlots: [(name: String, slot: Int)] = []

    init(packagePath: [String], ruleNames: Set<String>, imports: [String: Term], functionPaths: Set<String>,
         builtins: BuiltinRegistry) {
        self.packagePath = packagePath
        self.ruleNames = ruleNames
        self.imports = imports
        self.functionPaths = functionPaths
        self.builtins = builtins
    }

    // MARK: entry points

    /// Resolves a rule in place and records the number of slots its frame needs.
    mutating func resolve(rule: inout Rule) throws {
        Resolver.moveTemplateArguments(of: &rule)
        scopes = [[:]]
        if let arguments = rule.arguments {
            for argument in arguments { declareAll(in: argument) }
        }
        var names: [String] = []
        var declared: Set<String> = []
        for term in rule.head.dropFirst() { Resolver.collect(term, into: &names) }
        Resolver.collect(rule.value, into: &names)
        Resolver.collectOwn(rule.body, names: &names, declared: &declared)
        for clause in rule.elses {
            Resolver.collect(clause.value, into: &names)
            Resolver.collectOwn(clause.body, names: &names, declared: &declared)
        }
        declareScope(names: names, declared: declared)
        rule.arguments = try rule.arguments.map { try $0.map { try resolve($0) } }
        rule.head = [rule.head[0]] + (try rule.head.dropFirst().map { try resolve($0) })
        rule.value = try resolve(rule.value)
        rule.body = try resolve(body: rule.body)
        rule.elses = try rule.elses.map { (try resolve($0.value), try resolve(body: $0.body)) }
        rule.slotCount = slotCount
    }

    /// A function parameter holding a template string (`f($"{x}-{y}")`) matches only once the body has bound the
    /// template's variables: it becomes a plain parameter, compared with the template at the end of each body.
    private static func moveTemplateArguments(of rule: inout Rule) {
        guard let arguments = rule.arguments else { return }
        for (position, argument) in arguments.enumerated() where containsTemplate(argument) {
            let parameter = Term.variable("$_parameter\(position)")
            let comparison = Expr(kind: .unify(parameter, argument), location: rule.location)
            rule.arguments?[position] = parameter
            rule.body.append(comparison)
            rule.elses = rule.elses.map { ($0.value, $0.body + [comparison]) }
        }
    }

    private static func containsTemplate(_ term: Term) -> Bool {
        switch term {
        case .template: return true
        case .array(let elements), .set(let elements): return elements.contains(where: containsTemplate)
        case .object(let pairs): return pairs.contains { containsTemplate($0.0) || containsTemplate($0.1) }
        case .ref(let head, let path): return containsTemplate(head) || path.contains(where: containsTemplate)
        default: return false
        }
    }

    /// Resolves a query; every variable it names becomes a result binding.
    mutating func resolve(query: [Expr]) throws -> [Expr] {
        scopes = [[:]]
        var names: [String] = []
        var declared: Set<String> = []
        Resolver.collectOwn(query, names: &names, declared: &declared)
        declareScope(names: names, declared: declared)
        for name in names where !name.hasPrefix("$") && !name.hasPrefix("__") {
            if let slot = scopes[0][name], !namedSlots.contains(where: { $0.name == name }) {
                namedSlots.append((name, slot))
            }
        }
        return try resolve(body: query)
    }

    // MARK: scopes

    private func isGlobal(_ name: String) -> Bool {
        name == "data" || name == "input" || imports[name] != nil || ruleNames.contains(name)
    }

    private func lookup(_ name: String) -> Int? {
        for (index, scope) in scopes.enumerated().reversed() {
            if let slot = scope[name] {
                if index < scopes.count - 1, laterDeclarations[index].contains(name) { continue }
                return slot
            }
        }
        return nil
    }

    /// The names an expression declares with `:=` or `some`.
    private static func declarations(_ expr: Expr) -> Set<String> {
        var names: [String] = []
        var declared: Set<String> = []
        collectOwn([expr], names: &names, declared: &declared)
        return declared
    }

    private mutating func newSlot(_ name: String) -> Int {
        let slot = slotCount
        slotCount += 1
        scopes[scopes.count - 1][name] = slot
        return slot
    }

    private mutating func declareAll(in term: Term) {
        var names: [String] = []
        Resolver.collect(term, into: &names)
        for name in names where scopes[scopes.count - 1][name] == nil { _ = newSlot(name) }
    }

    /// Gives each name used at this level a slot: declared names always get a new one here; other names share a
    /// visible outer variable, else refer to a global, else become local here.
    private mutating func declareScope(names: [String], declared: Set<String>) {
        for name in names where scopes[scopes.count - 1][name] == nil {
            if declared.contains(name) {
                _ = newSlot(name)
            } else if lookup(name) != nil {
                continue
            } else if !isGlobal(name) {
                _ = newSlot(name)
            }
        }
    }

    // MARK: collection of names

    /// The variable names in a term, outside nested comprehension bodies.
    static func collect(_ term: Term, into names: inout [String]) {
        switch term {
        case .variable(let name):
            if !names.contains(name) { names.append(name) }
        case .ref(let head, let path):
            collect(head, into: &names)
            for element in path { collect(element, into: &names) }
        case .array(let elements), .set(let elements), .template(let elements):
            for element in elements { collect(element, into: &names) }
        case .object(let entries):
            for (key, value) in entries {
                collect(key, into: &names)
                collect(value, into: &names)
            }
        case .call(_, let args, _):
            for arg in args { collect(arg, into: &names) }
        case .value, .local, .data, .input, .arrayComprehension, .setComprehension, .objectComprehension:
            break
        }
    }

    /// The names used at a body's own level, and those it declares (`some`, `:=`, `some … in`).
    static func collectOwn(_ body: [Expr], names: inout [String], declared: inout Set<String>) {
        for expr in body {
            switch expr.kind {
            case .term(let t):
                collect(t, into: &names)
            case .unify(let a, let b):
                collect(a, into: &names)
                collect(b, into: &names)
            case .assign(let a, let b):
                var assigned: [String] = []
                collect(a, into: &assigned)
                declared.formUnion(assigned)
                for name in assigned where !names.contains(name) { names.append(name) }
                collect(b, into: &names)
            case .some(let vars):
                var declaredHere: [String] = []
                for v in vars { collect(v, into: &declaredHere) }
                declared.formUnion(declaredHere)
                for name in declaredHere where !names.contains(name) { names.append(name) }
            case .someIn(let key, let value, let collection):
                var declaredHere: [String] = []
                if let key { collect(key, into: &declaredHere) }
                collect(value, into: &declaredHere)
                declared.formUnion(declaredHere)
                for name in declaredHere where !names.contains(name) { names.append(name) }
                collect(collection, into: &names)
            case .every(_, _, let domain, _):
                collect(domain, into: &names)
            }
            for with in expr.withs where !namesFunction(with) { collect(with.value, into: &names) }
        }
    }

    /// Whether a `with` replaces a function by another function named as a bare name, whose name is then not a
    /// variable.
    private static func namesFunction(_ with: With) -> Bool {
        func root(_ term: Term) -> String? {
            switch term {
            case .variable(let name): return name
            case .ref(.variable(let name), _): return name
            default: return nil
            }
        }
        guard let target = root(with.target), target != "input", target != "data", root(with.value) != nil else {
            return false
        }
        return true
    }

    // MARK: resolution

    private mutating func resolve(body: [Expr]) throws -> [Expr] {
        let declared = body.map(Resolver.declarations)
        let level = scopes.count - 1
        var resolved: [Expr] = []
        for (index, expr) in body.enumerated() {
            var later = Set<String>()
            for following in declared[(index + 1)...] { later.formUnion(following) }
            for preceding in declared[...index] { later.subtract(preceding) }
            laterDeclarations[level] = later
            resolved.append(try resolve(expr))
        }
        laterDeclarations[level] = []
        return resolved
    }

    private mutating func resolve(_ expr: Expr) throws -> Expr {
        var out = expr
        switch expr.kind {
        case .term(let t): out.kind = .term(try resolve(t))
        case .unify(let a, let b): out.kind = .unify(try resolve(a), try resolve(b))
        case .assign(let a, let b): out.kind = .assign(try resolve(a), try resolve(b))
        case .some(let vars): out.kind = .some(try vars.map { try resolve($0) })
        case .someIn(let key, let value, let collection):
            out.kind = .someIn(key: try key.map { try resolve($0) }, value: try resolve(value),
                               collection: try resolve(collection))
        case .every(let key, let value, let domain, let body):
            let resolvedDomain = try resolve(domain)
            scopes.append([:])
            if let key { declareAll(in: key) }
            declareAll(in: value)
            var names: [String] = []
            var declared: Set<String> = []
            Resolver.collectOwn(body, names: &names, declared: &declared)
            declareScope(names: names, declared: declared)
            let resolvedKey = try key.map { try resolve($0) }
            let resolvedValue = try resolve(value)
            let resolvedBody = try resolve(body: body)
            scopes.removeLast()
            out.kind = .every(key: resolvedKey, value: resolvedValue, domain: resolvedDomain, body: resolvedBody)
        }
        out.withs = try expr.withs.map { modifier in
            let target = try resolveWithTarget(modifier.target)
            if case .call = target, let replacement = functionReplacement(modifier.value) {
                return With(target: target, value: replacement)
            }
            return With(target: target, value: try resolve(modifier.value))
        }
        return out
    }

    /// A `with` value that names a function or builtin, as a call marker with no operands.
    private func functionReplacement(_ value: Term) -> Term? {
        var name: String?
        switch value {
        case .variable(let variable) where lookup(variable) == nil: name = variable
        case .ref(.variable(let root), let path) where lookup(root) == nil:
            let keys = path.compactMap { term -> String? in
                if case .value(.string(let s)) = term { return s }
                return nil
            }
            if keys.count == path.count { name = ([root] + keys).joined(separator: ".") }
        default: break
        }
        guard let name, let callee = resolveCallee(name) else { return nil }
        if case .function(let path) = callee, !functionPaths.contains((["data"] + path).joined(separator: ".")) {
            return nil
        }
        return .call(callee, [], Location(file: "", line: 0, column: 0))
    }

    /// `with` targets name documents or functions, never local variables.
    private func resolveWithTarget(_ target: Term) throws -> Term {
        switch target {
        case .variable(let name):
            if name == "input" { return .input }
            if name == "data" { return .data }
            return .call(resolveCallee(name) ?? .builtin(name), [], Location(file: "", line: 0, column: 0))
        case .ref(.variable(let name), let path):
            let keys = path.compactMap { term -> String? in
                if case .value(.string(let s)) = term { return s }
                return nil
            }
            guard keys.count == path.count else {
                throw RegoError(code: .compile, message: "with target must be a constant reference", location: nil)
            }
            if name == "input" { return .ref(.input, path) }
            if name == "data" {
                let dotted = (["data"] + keys).joined(separator: ".")
                if functionPaths.contains(dotted) {
                    return .call(.function(keys), [], Location(file: "", line: 0, column: 0))
                }
                return .ref(.data, path)
            }
            let dotted = ([name] + keys).joined(separator: ".")
            if let callee = resolveCallee(dotted) {
                return .call(callee, [], Location(file: "", line: 0, column: 0))
            }
            return .call(.builtin(dotted), [], Location(file: "", line: 0, column: 0))
        default:
            throw RegoError(code: .compile, message: "invalid with target", location: nil)
        }
    }

    private mutating func resolveComprehension(
        _ terms: [Term], _ body: [Expr]
    ) throws -> (terms: [Term], body: [Expr]) {
        scopes.append([:])
        var names: [String] = []
        var declared: Set<String> = []
        for term in terms { Resolver.collect(term, into: &names) }
        Resolver.collectOwn(body, names: &names, declared: &declared)
        declareScope(names: names, declared: declared)
        let resolvedTerms = try terms.map { try resolve($0) }
        let resolvedBody = try resolve(body: body)
        scopes.removeLast()
        return (resolvedTerms, resolvedBody)
    }

    private mutating func resolve(_ term: Term) throws -> Term {
        switch term {
        case .variable(let name):
            if let slot = lookup(name) { return .local(slot) }
            if name == "data" { return .data }
            if name == "input" { return .input }
            if let imported = imports[name] { return imported }
            if ruleNames.contains(name) { return .ref(.data, (packagePath + [name]).map { .value(.string($0)) }) }
            return .local(newSlot(name))
        case .ref(let head, let path):
            let resolvedHead = try resolve(head)
            let resolvedPath = try path.map { try resolve($0) }
            if case .ref(let innerHead, let innerPath) = resolvedHead { return .ref(innerHead, innerPath + resolvedPath) }
            return .ref(resolvedHead, resolvedPath)
        case .array(let elements): return .array(try elements.map { try resolve($0) })
        case .set(let elements): return .set(try elements.map { try resolve($0) })
        case .template(let parts): return .template(try parts.map { try resolve($0) })
        case .object(let entries): return .object(try entries.map { (try resolve($0.0), try resolve($0.1)) })
        case .arrayComprehension(let head, let body):
            let resolved = try resolveComprehension([head], body)
            return .arrayComprehension(resolved.terms[0], resolved.body)
        case .setComprehension(let head, let body):
            let resolved = try resolveComprehension([head], body)
            return .setComprehension(resolved.terms[0], resolved.body)
        case .objectComprehension(let key, let value, let body):
            let resolved = try resolveComprehension([key, value], body)
            return .objectComprehension(resolved.terms[0], resolved.terms[1], resolved.body)
        case .call(let callee, let args, let location):
            let resolvedArgs = try args.map { try resolve($0) }
            guard case .name(let name) = callee else { return .call(callee, resolvedArgs, location) }
            guard let resolvedCallee = resolveCallee(name) else {
                throw RegoError(code: .type, message: "undefined function \(name)", location: location)
            }
            return .call(resolvedCallee, resolvedArgs, location)
        case .value, .local, .data, .input:
            return term
        }
    }

    /// A call name as a user function (package-local, imported or `data.…`) or a builtin.
    func resolveCallee(_ name: String) -> Callee? {
        let parts = name.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        if first == "data" {
            return .function(Array(parts.dropFirst()))
        }
        if let imported = imports[first], case .ref(.data, let path) = imported {
            let keys = path.compactMap { term -> String? in
                if case .value(.string(let s)) = term { return s }
                return nil
            }
            return .function(keys + parts.dropFirst())
        }
        let local = packagePath + parts
        if ruleNames.contains(first), functionPaths.contains((["data"] + local).joined(separator: ".")) {
            return .function(local)
        }
        if builtins[name] != nil { return .builtin(name) }
        if ruleNames.contains(first) { return .function(local) }
        return nil
    }
}
