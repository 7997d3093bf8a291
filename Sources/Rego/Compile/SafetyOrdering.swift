/// Reorders body expressions so that each runs only once the variables it reads are bound, as OPA's compiler does:
/// the first expression (in source order) that is safe goes next, so bodies already in a safe order are unchanged.
enum SafetyOrdering {
    /// What one expression reads and binds.
    private struct Analysis {
        var needs: Set<Int>
        var outputs: Set<Int>
        /// For a unification: each side's unbound-able pattern variables; one side must be fully bound.
        var sides: (Set<Int>, Set<Int>)?
    }

    /// How many operands a callee takes, so that a call's extra last operand is known to be an output.
    typealias Arity = (Callee) -> Int?

    static func reorder(_ body: [Expr], bound initial: Set<Int>, arity: Arity) -> [Expr] {
        let allSlots = body.map { slots(in: $0) }
        var remaining = Array(body.indices)
        var bound = initial
        var ordered: [Expr] = []
        while !remaining.isEmpty {
            var chosen = remaining[0]
            for candidate in remaining {
                var elsewhere = initial
                for other in body.indices where other != candidate { elsewhere.formUnion(allSlots[other]) }
                let analysis = analyse(body[candidate], elsewhere: elsewhere, arity: arity)
                if isSafe(analysis, bound: bound) {
                    chosen = candidate
                    break
                }
            }
            remaining.removeAll { $0 == chosen }
            ordered.append(reorderNested(body[chosen], bound: bound, arity: arity))
            bound.formUnion(allSlots[chosen].subtracting(nestedOnlySlots(body[chosen])))
        }
        return ordered
    }

    private static func isSafe(_ analysis: Analysis, bound: Set<Int>) -> Bool {
        if let (a, b) = analysis.sides, !a.isSubset(of: bound), !b.isSubset(of: bound) { return false }
        return analysis.needs.isSubset(of: bound)
    }

    private static func analyse(_ expr: Expr, elsewhere: Set<Int>, arity: Arity) -> Analysis {
        var withNeeds = Set<Int>()
        for with in expr.withs { withNeeds.formUnion(slots(in: with.value)) }
        if expr.negated {
            return Analysis(needs: slots(in: expr).intersection(elsewhere).union(withNeeds), outputs: [], sides: nil)
        }
        var reads = Set<Int>()
        var refOutputs = Set<Int>()
        var patterns = Set<Int>()
        var sides: (Set<Int>, Set<Int>)?
        switch expr.kind {
        case .term(let t):
            classify(t, asPattern: false, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity)
            reads.formUnion(patterns)
            patterns = []
        case .unify(let a, let b), .assign(let a, let b):
            var left = Set<Int>()
            var right = Set<Int>()
            classify(a, asPattern: true, reads: &reads, refOutputs: &refOutputs, patterns: &left, elsewhere: elsewhere, arity: arity)
            classify(b, asPattern: true, reads: &reads, refOutputs: &refOutputs, patterns: &right, elsewhere: elsewhere, arity: arity)
            patterns = left.union(right)
            sides = (left, right)
        case .someIn(let key, let value, let collection):
            if let key { classify(key, asPattern: true, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity) }
            classify(value, asPattern: true, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity)
            var collectionPatterns = Set<Int>()
            classify(collection, asPattern: false, reads: &reads, refOutputs: &refOutputs, patterns: &collectionPatterns, elsewhere: elsewhere, arity: arity)
            reads.formUnion(collectionPatterns)
        case .some:
            break
        case .every(_, _, let domain, let body):
            var domainPatterns = Set<Int>()
            classify(domain, asPattern: false, reads: &reads, refOutputs: &refOutputs, patterns: &domainPatterns, elsewhere: elsewhere, arity: arity)
            reads.formUnion(domainPatterns)
            for inner in body { reads.formUnion(slots(in: inner).intersection(elsewhere)) }
            refOutputs = []
        }
        return Analysis(needs: reads.subtracting(refOutputs).union(withNeeds), outputs: refOutputs.union(patterns),
                        sides: sides)
    }

    /// Sorts a term's variables into those it reads, those a reference iterates over (and so binds), and those in
    /// pattern positions of a unification.
    private static func classify(
        _ term: Term, asPattern: Bool, reads: inout Set<Int>, refOutputs: inout Set<Int>, patterns: inout Set<Int>,
        elsewhere: Set<Int>, arity: Arity
    ) {
        switch term {
        case .local(let slot):
            if asPattern { patterns.insert(slot) } else { reads.insert(slot) }
        case .ref(let head, let path):
            classify(head, asPattern: false, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity)
            for element in path {
                if case .local(let slot) = element {
                    refOutputs.insert(slot)
                } else {
                    var inner = Set<Int>()
                    classify(element, asPattern: true, reads: &reads, refOutputs: &refOutputs, patterns: &inner, elsewhere: elsewhere, arity: arity)
                    refOutputs.formUnion(inner)
                }
            }
        case .array(let elements):
            for e in elements { classify(e, asPattern: asPattern, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity) }
        case .object(let entries):
            for (k, v) in entries {
                classify(k, asPattern: false, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity)
                classify(v, asPattern: asPattern, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity)
            }
        case .set(let elements), .template(let elements):
            for e in elements { classify(e, asPattern: false, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity) }
        case .call(let callee, let args, _):
            var inputs = args
            if let count = arity(callee), args.count == count + 1, let output = inputs.popLast() {
                var outputs = Set<Int>()
                classify(output, asPattern: true, reads: &reads, refOutputs: &refOutputs, patterns: &outputs, elsewhere: elsewhere, arity: arity)
                refOutputs.formUnion(outputs)
            }
            for a in inputs { classify(a, asPattern: false, reads: &reads, refOutputs: &refOutputs, patterns: &patterns, elsewhere: elsewhere, arity: arity) }
        case .arrayComprehension, .setComprehension, .objectComprehension:
            reads.formUnion(slots(in: term).intersection(elsewhere))
        case .value, .data, .input, .variable:
            break
        }
    }

    // MARK: nested bodies

    private static func reorderNested(_ expr: Expr, bound: Set<Int>, arity: Arity) -> Expr {
        var out = expr
        switch expr.kind {
        case .term(let t): out.kind = .term(reorderNested(t, bound: bound, arity: arity))
        case .unify(let a, let b): out.kind = .unify(reorderNested(a, bound: bound, arity: arity), reorderNested(b, bound: bound, arity: arity))
        case .assign(let a, let b): out.kind = .assign(reorderNested(a, bound: bound, arity: arity), reorderNested(b, bound: bound, arity: arity))
        case .someIn(let key, let value, let collection):
            out.kind = .someIn(key: key, value: value, collection: reorderNested(collection, bound: bound, arity: arity))
        case .some:
            break
        case .every(let key, let value, let domain, let body):
            var inner = bound.union(slots(in: value))
            if let key { inner.formUnion(slots(in: key)) }
            out.kind = .every(key: key, value: value, domain: reorderNested(domain, bound: bound, arity: arity),
                              body: reorder(body, bound: inner, arity: arity))
        }
        return out
    }

    private static func reorderNested(_ term: Term, bound: Set<Int>, arity: Arity) -> Term {
        switch term {
        case .arrayComprehension(let head, let body): return .arrayComprehension(head, reorder(body, bound: bound, arity: arity))
        case .setComprehension(let head, let body): return .setComprehension(head, reorder(body, bound: bound, arity: arity))
        case .objectComprehension(let k, let v, let body): return .objectComprehension(k, v, reorder(body, bound: bound, arity: arity))
        case .ref(let head, let path): return .ref(reorderNested(head, bound: bound, arity: arity), path.map { reorderNested($0, bound: bound, arity: arity) })
        case .array(let elements): return .array(elements.map { reorderNested($0, bound: bound, arity: arity) })
        case .set(let elements): return .set(elements.map { reorderNested($0, bound: bound, arity: arity) })
        case .template(let elements): return .template(elements.map { reorderNested($0, bound: bound, arity: arity) })
        case .object(let entries): return .object(entries.map { (reorderNested($0.0, bound: bound, arity: arity), reorderNested($0.1, bound: bound, arity: arity)) })
        case .call(let callee, let args, let location): return .call(callee, args.map { reorderNested($0, bound: bound, arity: arity) }, location)
        case .value, .local, .data, .input, .variable: return term
        }
    }

    // MARK: slot sets

    static func slots(in terms: [Term]) -> Set<Int> {
        var result = Set<Int>()
        for term in terms { result.formUnion(slots(in: term)) }
        return result
    }

    static func slots(in term: Term) -> Set<Int> {
        switch term {
        case .local(let slot): return [slot]
        case .ref(let head, let path): return slots(in: [head] + path)
        case .array(let elements), .set(let elements), .template(let elements): return slots(in: elements)
        case .object(let entries): return slots(in: entries.flatMap { [$0.0, $0.1] })
        case .call(_, let args, _): return slots(in: args)
        case .arrayComprehension(let head, let body), .setComprehension(let head, let body):
            return slots(in: head).union(body.flatMap { slots(in: $0) })
        case .objectComprehension(let k, let v, let body):
            return slots(in: [k, v]).union(body.flatMap { slots(in: $0) })
        case .value, .data, .input, .variable: return []
        }
    }

    static func slots(in expr: Expr) -> Set<Int> {
        var result = Set<Int>()
        switch expr.kind {
        case .term(let t): result = slots(in: t)
        case .unify(let a, let b), .assign(let a, let b): result = slots(in: [a, b])
        case .some(let vars): result = slots(in: vars)
        case .someIn(let key, let value, let collection): result = slots(in: [value, collection] + (key.map { [$0] } ?? []))
        case .every(let key, let value, let domain, let body):
            result = slots(in: [value, domain] + (key.map { [$0] } ?? []))
            for inner in body { result.formUnion(slots(in: inner)) }
        }
        for with in expr.withs { result.formUnion(slots(in: with.value)) }
        return result
    }

    /// Slots that an expression uses only inside nested bodies or under negation, so it does not bind them.
    private static func nestedOnlySlots(_ expr: Expr) -> Set<Int> {
        if expr.negated { return slots(in: expr) }
        switch expr.kind {
        case .every: return slots(in: expr)
        case .some: return slots(in: expr)
        default:
            var direct = Set<Int>()
            func walk(_ term: Term) {
                switch term {
                case .local(let slot): direct.insert(slot)
                case .ref(let head, let path): walk(head); path.forEach(walk)
                case .array(let e), .set(let e), .template(let e): e.forEach(walk)
                case .object(let entries): entries.forEach { walk($0.0); walk($0.1) }
                case .call(_, let args, _): args.forEach(walk)
                default: break
                }
            }
            switch expr.kind {
            case .term(let t): walk(t)
            case .unify(let a, let b), .assign(let a, let b): walk(a); walk(b)
            case .someIn(let key, let value, let collection): key.map(walk); walk(value); walk(collection)
            default: break
            }
            return slots(in: expr).subtracting(direct)
        }
    }
}
