/// A Rego term: a value, variable, reference, composite, comprehension or call.
indirect enum Term: Sendable {
    /// A constant.
    case value(Value)
    /// A variable by name, as parsed.
    case variable(String)
    /// A variable by frame slot, after compilation.
    case local(Int)
    /// The roots `data` and `input`.
    case data
    case input
    /// `head.path[0][path[1]]…`.
    case ref(Term, [Term])
    case array([Term])
    case object([(Term, Term)])
    case set([Term])
    case arrayComprehension(Term, [Expr])
    case setComprehension(Term, [Expr])
    case objectComprehension(Term, Term, [Expr])
    /// A call of a builtin or a user function, located for error messages.
    case call(Callee, [Term], Location)
    /// A template string: literal pieces and embedded terms, each turned into text.
    case template([Term])
}

/// What a call invokes.
enum Callee: Sendable {
    /// A name as written (`count`, `strings.reverse`, `f`, `data.lib.f`), before compilation resolves it.
    case name(String)
    /// A builtin.
    case builtin(String)
    /// A user function at a path under `data`.
    case function([String])
}

/// A body expression with its modifiers.
struct Expr: Sendable {
    enum Kind: Sendable {
        case term(Term)
        case unify(Term, Term)
        case assign(Term, Term)
        /// `some x, y`: declarations only.
        case some([Term])
        /// `some k, v in collection` (key optional).
        case someIn(key: Term?, value: Term, collection: Term)
        /// `every k, v in domain { body }` (key optional).
        case every(key: Term?, value: Term, domain: Term, body: [Expr])
    }

    var kind: Kind
    var negated: Bool = false
    var withs: [With] = []
    var location: Location
}

/// `with target as value`.
struct With: Sendable {
    /// The target as written: `input`, `input.x`, `data.a.b`, a function or builtin name.
    var target: Term
    var value: Term
}

/// One rule: complete, partial (set or object via ref head), function or default.
///
/// The evaluator copies rules into closures at every step, so the fields live in one copy-on-write box: a copy costs
/// one reference count, not one per field.
struct Rule: Sendable {
    enum Kind: Sendable {
        /// `p := v`, `p.q[k] := v`, `f(x) := v`: one value per (key) path.
        case singleValue
        /// `p contains x`.
        case multiValue
    }

    /// The fields. Mutated only through `Rule`'s setters, which copy a shared box first, so sharing is safe.
    private final class Storage: @unchecked Sendable {
        var location: Location
        var head: [Term]
        var kind: Kind
        var arguments: [Term]?
        var value: Term
        var body: [Expr]
        var isDefault: Bool
        var elses: [(value: Term, body: [Expr])]
        var slotCount: Int

        init(location: Location, head: [Term], kind: Kind, arguments: [Term]?, value: Term, body: [Expr],
             isDefault: Bool, elses: [(value: Term, body: [Expr])], slotCount: Int) {
            self.location = location
            self.head = head
            self.kind = kind
            self.arguments = arguments
            self.value = value
            self.body = body
            self.isDefault = isDefault
            self.elses = elses
            self.slotCount = slotCount
        }

        func copy() -> Storage {
            Storage(location: location, head: head, kind: kind, arguments: arguments, value: value, body: body,
                    isDefault: isDefault, elses: elses, slotCount: slotCount)
        }
    }

    private var storage: Storage

    init(location: Location, head: [Term], kind: Kind, arguments: [Term]?, value: Term, body: [Expr],
         isDefault: Bool, elses: [(value: Term, body: [Expr])], slotCount: Int = 0) {
        storage = Storage(location: location, head: head, kind: kind, arguments: arguments, value: value, body: body,
                          isDefault: isDefault, elses: elses, slotCount: slotCount)
    }

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    var location: Location {
        get { storage.location }
        set { unique().location = newValue }
    }
    /// The head reference after the package: the first element a name, the rest constant strings or key terms.
    var head: [Term] {
        get { storage.head }
        set { unique().head = newValue }
    }
    var kind: Kind {
        get { storage.kind }
        set { unique().kind = newValue }
    }
    /// Function parameters, when the rule is a function.
    var arguments: [Term]? {
        get { storage.arguments }
        set { unique().arguments = newValue }
    }
    /// The value (single-value) or member (multi-value); `true` when the source omits it.
    var value: Term {
        get { storage.value }
        set { unique().value = newValue }
    }
    var body: [Expr] {
        get { storage.body }
        set { unique().body = newValue }
    }
    var isDefault: Bool {
        get { storage.isDefault }
        set { unique().isDefault = newValue }
    }
    /// `else` clauses, in order.
    var elses: [(value: Term, body: [Expr])] {
        get { storage.elses }
        set { unique().elses = newValue }
    }
    /// Frame slots the rule needs, after compilation.
    var slotCount: Int {
        get { storage.slotCount }
        set { unique().slotCount = newValue }
    }
}

/// `import data.x.y as z`.
struct Import: Sendable {
    var path: Term
    var alias: String?
    var location: Location
}

/// A parsed module.
struct Module: Sendable {
    var file: String
    var package: [String]
    var imports: [Import]
    var rules: [Rule]
}
