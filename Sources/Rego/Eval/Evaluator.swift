/// Evaluates one query against a compiled policy: top-down, depth first, each solution handed to a continuation.
///
/// One evaluator serves one query evaluation; it is not shared between threads. It caches rule values for the
/// duration of the query, swapping to a fresh cache inside `with`.
final class Evaluator {
    let policy: Policy
    var input: Value?
    let context: BuiltinContext
    let strictBuiltinErrors: Bool
    /// Where comparisons with reference values and failed rule bodies are recorded; `nil` (the hot path) records nothing.
    let trace: EvaluationTrace?

    /// Rule documents computed so far, by node index (`.some(nil)`: computed, undefined).
    var cache: [Value??]
    /// Nodes whose document is being computed, by node index: reaching one again is recursion.
    var inProgress: [Bool]
    /// `with data.… as v` replacements, innermost last.
    var dataOverrides: [(path: [String], value: Value)] = []
    /// `with f as g` replacements, by builtin name or `data.…` function path.
    var functionOverrides: [String: FunctionReplacement] = [:]
    var callDepth = 0
    /// Frames free for the next rule evaluation.
    var framePool: [Frame] = []

    /// What `with` changes, saved and restored around the modified expression.
    struct State {
        var input: Value?
        var dataOverrides: [(path: [String], value: Value)]
        var functionOverrides: [String: FunctionReplacement]
        var cache: [Value??]
    }

    var state: State {
        get { State(input: input, dataOverrides: dataOverrides, functionOverrides: functionOverrides, cache: cache) }
        set {
            input = newValue.input
            dataOverrides = newValue.dataOverrides
            functionOverrides = newValue.functionOverrides
            cache = newValue.cache
        }
    }

    enum FunctionReplacement {
        case callee(Callee)
        case value(Value)
    }

    init(policy: Policy, input: Value?, context: BuiltinContext, strictBuiltinErrors: Bool, trace: EvaluationTrace? = nil) {
        self.policy = policy
        self.trace = trace
        self.input = input
        self.context = context
        self.strictBuiltinErrors = strictBuiltinErrors
        cache = Array(repeating: nil, count: policy.nodeCount)
        inProgress = Array(repeating: false, count: policy.nodeCount)
    }

    // MARK: bodies and expressions

    func evalBody(_ body: [Expr], _ index: Int, _ frame: Frame, _ k: () throws -> Void) throws {
        if index == body.count {
            try k()
            return
        }
        try evalExpr(body[index], frame) { try evalBody(body, index + 1, frame, k) }
    }

    func evalExpr(_ expr: Expr, _ frame: Frame, _ k: () throws -> Void) throws {
        if !expr.withs.isEmpty {
            let outside = state
            try applyWiths(expr.withs, 0, frame) {
                let resumeOutside: () throws -> Void = {
                    let inside = self.state
                    self.state = outside
                    defer { self.state = inside }
                    try k()
                }
                if expr.negated {
                    try withoutActuallyEscaping(resumeOutside) { try evalNegated(expr, frame, $0) }
                } else {
                    try withoutActuallyEscaping(resumeOutside) { try evalPositive(expr, frame, $0) }
                }
            }
            return
        }
        do {
            if expr.negated {
                try evalNegated(expr, frame, k)
            } else {
                try evalPositive(expr, frame, k)
            }
        } catch let error as RegoError where error.location == nil {
            throw RegoError(code: error.code, message: error.message, location: expr.location)
        }
    }

    private func evalNegated(_ expr: Expr, _ frame: Frame, _ k: () throws -> Void) throws {
        if try !hasSolution({ try evalPositive(expr, frame, $0) }) { try k() }
    }

    /// Whether `run` reaches its continuation at least once; stops at the first solution.
    func hasSolution(_ run: (() throws -> Void) throws -> Void) throws -> Bool {
        var found = false
        do {
            try run {
                found = true
                throw StopEnumeration()
            }
        } catch is StopEnumeration {
            return found
        }
        return found
    }

    private func evalPositive(_ expr: Expr, _ frame: Frame, _ k: () throws -> Void) throws {
        switch expr.kind {
        case .term(let term):
            try evalTerm(term, frame) { value in
                if value.isTruthy { try k() }
            }
        case .unify(let a, let b), .assign(let a, let b):
            try unify(a, b, frame, k)
        case .some:
            try k()
        case .someIn(let key, let value, let collection):
            try evalTerm(collection, frame) { domain in
                try iterate(domain) { elementKey, element in
                    try unifyValue(value, element, frame) {
                        if let key {
                            try unifyValue(key, elementKey, frame, k)
                        } else {
                            try k()
                        }
                    }
                }
            }
        case .every(let key, let value, let domainTerm, let body):
            var holds = true
            var defined = false
            try evalTerm(domainTerm, frame) { domain in
                defined = true
                switch domain {
                case .array, .object, .set: break
                default: holds = false
                }
                guard holds else { return }
                try iterate(domain) { elementKey, element in
                    guard holds else { return }
                    let satisfied = try hasSolution { found in
                        try unifyValue(value, element, frame) {
                            if let key {
                                try unifyValue(key, elementKey, frame) { try evalBody(body, 0, frame, found) }
                            } else {
                                try evalBody(body, 0, frame, found)
                            }
                        }
                    }
                    if !satisfied { holds = false }
                }
            }
            if defined, holds { try k() }
        }
    }

    /// Each key and element of a collection: array index and element, object key and value, set member twice.
    func iterate(_ collection: Value, _ body: (Value, Value) throws -> Void) throws {
        switch collection {
        case .array(let elements):
            for (index, element) in elements.enumerated() { try body(.int(index), element) }
        case .object(let object):
            for entry in object.entries { try body(entry.key, entry.value) }
        case .set(let set):
            for member in set.elements { try body(member, member) }
        default:
            break
        }
    }

    // MARK: unification

    func bind(_ slot: Int, _ value: Value, _ frame: Frame, _ k: () throws -> Void) throws {
        frame.slots[slot] = value
        defer { frame.slots[slot] = nil }
        try k()
    }

    private func isUnboundLocal(_ term: Term, _ frame: Frame) -> Int? {
        if case .local(let slot) = term, frame.slots[slot] == nil { return slot }
        return nil
    }

    /// Whether a term has unbound variables in positions unification can bind.
    func isPattern(_ term: Term, _ frame: Frame) -> Bool {
        switch term {
        case .local(let slot): return frame.slots[slot] == nil
        case .array(let elements): return elements.contains { isPattern($0, frame) }
        case .object(let entries): return entries.contains { isPattern($0.1, frame) }
        default: return false
        }
    }

    func unify(_ a: Term, _ b: Term, _ frame: Frame, _ k: () throws -> Void) throws {
        if let slot = isUnboundLocal(a, frame) {
            if isUnboundLocal(b, frame) != nil {
                throw RegoError(code: .unsafeVariable, message: "unsafe variables in unification", location: nil)
            }
            try evalTerm(b, frame) { value in try bind(slot, value, frame, k) }
            return
        }
        if let slot = isUnboundLocal(b, frame) {
            try evalTerm(a, frame) { value in try bind(slot, value, frame, k) }
            return
        }
        if case .array(let left) = a, case .array(let right) = b {
            guard left.count == right.count else { return }
            try unifyPairs(left, right, 0, frame, k)
            return
        }
        if case .object(let left) = a, case .object(let right) = b, isPattern(a, frame), isPattern(b, frame) {
            guard left.count == right.count else { return }
            var pairedLeft: [Term] = []
            var pairedRight: [Term] = []
            for (key, value) in left {
                guard case .value(let constant) = key,
                      let match = right.first(where: { if case .value(let other) = $0.0 { return other == constant }; return false })
                else {
                    try evalTerm(b, frame) { value in try unifyValue(a, value, frame, k) }
                    return
                }
                pairedLeft.append(value)
                pairedRight.append(match.1)
            }
            try unifyPairs(pairedLeft, pairedRight, 0, frame, k)
            return
        }
        if isPattern(a, frame) {
            try evalTerm(b, frame) { value in try unifyValue(a, value, frame, k) }
            return
        }
        if isPattern(b, frame) {
            try evalTerm(a, frame) { value in try unifyValue(b, value, frame, k) }
            return
        }
        try evalTerm(a, frame) { left in
            try evalTerm(b, frame) { right in
                if left == right { try k() }
            }
        }
    }

    private func unifyPairs(_ left: [Term], _ right: [Term], _ index: Int, _ frame: Frame, _ k: () throws -> Void) throws {
        if index == left.count {
            try k()
            return
        }
        try unify(left[index], right[index], frame) { try unifyPairs(left, right, index + 1, frame, k) }
    }

    /// Unifies a term with a value, binding the term's unbound variables.
    func unifyValue(_ pattern: Term, _ value: Value, _ frame: Frame, _ k: () throws -> Void) throws {
        switch pattern {
        case .local(let slot):
            if let current = frame.slots[slot] {
                if current == value { try k() }
            } else {
                try bind(slot, value, frame, k)
            }
        case .value(let constant):
            if constant == value { try k() }
        case .array(let elements) where isPattern(pattern, frame):
            guard case .array(let values) = value, values.count == elements.count else { return }
            try unifyElements(elements, values, 0, frame, k)
        case .object(let entries) where isPattern(pattern, frame):
            guard case .object(let object) = value, object.count == entries.count else { return }
            try unifyEntries(entries, object, 0, frame, k)
        default:
            try evalTerm(pattern, frame) { candidate in
                if candidate == value { try k() }
            }
        }
    }

    private func unifyElements(_ terms: [Term], _ values: [Value], _ index: Int, _ frame: Frame, _ k: () throws -> Void) throws {
        if index == terms.count {
            try k()
            return
        }
        try unifyValue(terms[index], values[index], frame) { try unifyElements(terms, values, index + 1, frame, k) }
    }

    private func unifyEntries(
        _ entries: [(Term, Term)], _ object: ObjectValue, _ index: Int, _ frame: Frame, _ k: () throws -> Void
    ) throws {
        if index == entries.count {
            try k()
            return
        }
        try evalTerm(entries[index].0, frame) { key in
            guard let value = object[key] else { return }
            try unifyValue(entries[index].1, value, frame) { try unifyEntries(entries, object, index + 1, frame, k) }
        }
    }
}
