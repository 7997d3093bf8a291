/// What one evaluation compared, for explaining an appraisal: the reference values read through
/// `query_reference_value`, each comparison one of them took part in, and the expression where each rule body that
/// produced nothing stopped.
///
/// Pass one to ``PreparedQuery/evaluate(input:strictBuiltinErrors:now:print:trace:)``; without one the evaluator
/// records nothing and pays one `nil` check per builtin call and rule body. A trace belongs to one evaluation on one
/// thread; read it after the evaluation returns.
public final class EvaluationTrace {
    /// One `query_reference_value(id)` call and what it returned (`null` when nothing is stored).
    public struct ReferenceValueRead: Sendable, Hashable {
        /// The reference value id.
        public let id: String
        /// The value the store returned.
        public let value: Value
    }

    /// One comparison with a reference value: `claim in query_reference_value(id)`, `claim == …`, `claim >= …`.
    public struct Comparison: Sendable, Hashable {
        /// The reference value id.
        public let id: String
        /// The operator as written in Rego: `in`, `==`, `!=`, `<`, `<=`, `>`, `>=`.
        public let comparison: String
        /// The other operand as written, e.g. `input.snp.measurement`.
        public let claim: String
        /// The other operand's value.
        public let claimValue: Value
        /// The reference value's value.
        public let referenceValue: Value
        /// Whether the comparison held.
        public let holds: Bool
        /// Where the comparison is written.
        public let location: Location
    }

    /// A rule body (or `else` clause) that produced no value, and the first expression it could not get past.
    public struct Failure: Sendable, Hashable {
        /// The rule's name (its head's constant path, e.g. `executables`).
        public let rule: String
        /// The index of the failing expression in the body (0 is the first).
        public let expressionIndex: Int
        /// Where the failing expression is written.
        public let location: Location
        /// Where the rule is written.
        public let ruleLocation: Location
    }

    /// Every `query_reference_value` call, in evaluation order.
    public private(set) var referenceValueReads: [ReferenceValueRead] = []
    /// Every comparison with a reference value, in evaluation order.
    public private(set) var comparisons: [Comparison] = []
    /// Every rule body that produced nothing, in evaluation order.
    public private(set) var failures: [Failure] = []

    /// An empty trace.
    public init() {}

    /// The Rego operators that compare, by builtin name.
    static let comparisonOperators: [String: String] = [
        "internal.member_2": "in", "equal": "==", "neq": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=",
    ]

    func recordRead(id: String, value: Value) {
        referenceValueReads.append(ReferenceValueRead(id: id, value: value))
    }

    func recordComparison(_ comparison: Comparison) { comparisons.append(comparison) }

    func recordFailure(_ failure: Failure) { failures.append(failure) }
}

/// How far a traced body got: the highest expression index it entered.
final class BodyProgress {
    var furthest = 0
}

extension Evaluator {
    /// Records a builtin call for the trace: a `query_reference_value` read, or a comparison one of whose operands
    /// is written as a `query_reference_value(…)` call.
    func traceBuiltin(_ trace: EvaluationTrace, name: String, args: [Term], values: [Value], results: [Value], location: Location) {
        if name == "query_reference_value" {
            if case .string(let id)? = values.first { trace.recordRead(id: id, value: results.first ?? .null) }
            return
        }
        guard let comparison = EvaluationTrace.comparisonOperators[name], values.count == 2, args.count >= 2 else { return }
        for (index, arg) in args.prefix(2).enumerated() {
            guard case .call(.builtin("query_reference_value"), let idArgs, _) = arg else { continue }
            var id = "?"
            if case .value(.string(let constant))? = idArgs.first {
                id = constant
            } else if let last = trace.referenceValueReads.last {
                id = last.id
            }
            let other = 1 - index
            trace.recordComparison(EvaluationTrace.Comparison(
                id: id, comparison: comparison, claim: Evaluator.text(of: args[other]), claimValue: values[other],
                referenceValue: values[index], holds: results.first?.isTruthy ?? false, location: location
            ))
            return
        }
    }

    /// A term as a person reads it, for refs such as `input.snp.measurement` and `input["az-snp-vtpm"].tpm.pcr11`.
    static func text(of term: Term) -> String {
        switch term {
        case .input: return "input"
        case .data: return "data"
        case .variable(let name): return name
        case .value(let value): return value.jsonText
        case .ref(let head, let path):
            var text = text(of: head)
            for element in path {
                if case .value(.string(let key)) = element {
                    let simple = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !(key.first?.isNumber ?? true)
                    text += simple ? "." + key : "[\(Value.string(key).jsonText)]"
                } else if case .value(let value) = element {
                    text += "[\(value.jsonText)]"
                } else {
                    text += "[_]"
                }
            }
            return text
        case .call(let callee, _, _):
            return Evaluator.overrideKey(callee) + "(…)"
        default:
            return "expression"
        }
    }

    /// Evaluates a rule body, recording in the trace where it stopped when it produces nothing.
    func evalRuleBody(_ body: [Expr], _ rule: Rule, _ frame: Frame, _ k: () throws -> Void) throws {
        guard let trace else {
            try evalBody(body, 0, frame, k)
            return
        }
        let progress = BodyProgress()
        var succeeded = false
        try evalBodyTracked(body, 0, frame, progress) {
            succeeded = true
            try k()
        }
        if !succeeded, progress.furthest < body.count {
            trace.recordFailure(EvaluationTrace.Failure(
                rule: Policy.constantKeys(rule.head).joined(separator: "."), expressionIndex: progress.furthest,
                location: body[progress.furthest].location, ruleLocation: rule.location
            ))
        }
    }

    private func evalBodyTracked(_ body: [Expr], _ index: Int, _ frame: Frame, _ progress: BodyProgress, _ k: () throws -> Void) throws {
        if index > progress.furthest { progress.furthest = index }
        if index == body.count {
            try k()
            return
        }
        try evalExpr(body[index], frame) { try evalBodyTracked(body, index + 1, frame, progress, k) }
    }
}
