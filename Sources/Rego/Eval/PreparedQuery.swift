#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One solution of a query: each named query variable and its value.
public typealias Bindings = [String: Value]

/// A query compiled against a policy, ready to evaluate with any input, from any thread.
public struct PreparedQuery: Sendable {
    let policy: Policy
    let body: [Expr]
    let slotCount: Int
    let namedSlots: [(name: String, slot: Int)]

    /// Whether the query is one term with no variables and no `with` (`data.policy`, `data.p.allow`): a query whose
    /// interesting output is the term's value rather than bindings.
    public var isSingleTerm: Bool {
        guard body.count == 1, namedSlots.isEmpty, body[0].withs.isEmpty, !body[0].negated,
              case .term = body[0].kind else { return false }
        return true
    }

    /// Evaluates the query.
    /// - Parameters:
    ///   - input: the input document, or `nil` for none.
    ///   - strictBuiltinErrors: whether a builtin's error fails the query (OPA's strict mode) instead of making the
    ///     call undefined.
    ///   - now: the time `time.now_ns` reports.
    ///   - print: where `print` writes; standard error by default.
    ///   - trace: where to record reference value reads, comparisons with them and failed rule bodies; `nil` (the
    ///     default) records nothing.
    /// - Returns: every solution, in evaluation order; empty when the query is undefined.
    /// - Throws: `RegoError` with OPA's code (`eval_conflict_error`, `eval_type_error`, …).
    public func evaluate(
        input: Value?,
        strictBuiltinErrors: Bool = false,
        now: Date = Date(),
        print: @escaping @Sendable (String) -> Void = { StandardError.writeLine($0) },
        trace: EvaluationTrace? = nil
    ) throws -> [Bindings] {
        let nanoseconds = Int64(exactly: (now.timeIntervalSince1970 * 1e9).rounded()) ?? 0
        let context = BuiltinContext(nowNanoseconds: nanoseconds, printLine: print)
        let evaluator = Evaluator(policy: policy, input: input, context: context,
                                  strictBuiltinErrors: strictBuiltinErrors, trace: trace)
        let frame = Frame(count: slotCount)
        var results: [Bindings] = []
        try evaluator.evalBody(body, 0, frame) {
            var bindings: Bindings = [:]
            for (name, slot) in namedSlots {
                if let value = frame.slots[slot] { bindings[name] = value }
            }
            results.append(bindings)
        }
        return results
    }
}

extension Policy {
    /// Compiles a query such as `data.policy.allow` or `x := data.policy; x.hardware == 2`.
    /// - Throws: `RegoError` with `rego_parse_error` and the location in the query text.
    public func prepare(query: String) throws -> PreparedQuery {
        var parser = try Parser(source: query, file: "query")
        let parsed = try parser.parseQuery()
        return try prepare(parsedQuery: parsed)
    }

    /// Compiles a query given as a single term, such as `input_term` values.
    static func parseTerm(_ source: String) throws -> Term {
        var parser = try Parser(source: source, file: "term")
        return try parser.parseWholeTerm()
    }

    func prepare(parsedQuery: [Expr]) throws -> PreparedQuery {
        var resolver = Resolver(packagePath: [], ruleNames: [], imports: [:], functionPaths: functionPaths,
                                builtins: builtins)
        let resolved = try resolver.resolve(query: parsedQuery)
        var functionArity: [String: Int] = [:]
        for (path, rules) in functions { functionArity[path] = rules.first?.arguments?.count }
        let ordered = SafetyOrdering.reorder(resolved, bound: [],
                                             arity: Policy.arity(builtins: builtins, functions: functionArity))
        return PreparedQuery(policy: self, body: ordered, slotCount: resolver.slotCount,
                             namedSlots: resolver.namedSlots)
    }

    /// Evaluates a Rego term with no variables (such as an `input_term`) to its value.
    public func evaluate(term source: String) throws -> Value? {
        var parser = try Parser(source: "hermetic_term_value = " + source, file: "term")
        let parsed = try parser.parseQuery()
        let query = try prepare(parsedQuery: parsed)
        return try query.evaluate(input: nil).first?["hermetic_term_value"]
    }
}
