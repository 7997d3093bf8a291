import Rego

/// The agent policy: Rego evaluated the way Kata's agent evaluates its policy, so a policy written by Kata's
/// genpolicy (rules plus `policy_data := {…}`, package `agent_policy`) decides orders unchanged.
///
/// Each order's verb is decided by `data.agent_policy.<rule>` (``Verb/policyRule``) with the noun as `input`. A
/// rule's value is a boolean or `{"allowed": bool, "ops": [...]}`; `ops` are JSON-Patch operations on the data
/// document (Kata keeps its per-pod state under `data.pstate`), applied once the order has executed.
public struct AgentPolicy: Sendable {
    /// The outcome of evaluating one order.
    public struct Decision: Sendable {
        /// Whether the policy allows the order.
        public let allowed: Bool
        /// The state update to apply if the order executes.
        public let ops: Value?
    }

    /// Why a policy could not be loaded.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// The Rego engine's message (file, line, column).
        public let message: String
        public var description: String { "agent policy: \(message)" }
    }

    private var policy: Policy
    private var queries: [Verb: PreparedQuery]

    /// The policy's `policy_data` document (where Hermetic's plan lives), if it has one.
    public let policyData: Value?

    /// Compiles a policy from Rego source; the state starts as `{"pstate": {}}`, as in Kata's agent.
    /// - Throws: ``LoadError`` for a parse or compile error.
    public init(source: String, fileName: String = "policy.rego") throws(LoadError) {
        do {
            policy = try Policy(modules: [(fileName, source)], data: .object(ObjectValue(["pstate": .emptyObject])))
            var queries: [Verb: PreparedQuery] = [:]
            for verb in Verb.allCases {
                guard let rule = verb.policyRule else { continue }
                queries[verb] = try policy.prepare(query: "x := data.agent_policy.\(rule)")
            }
            self.queries = queries
            policyData = try policy.prepare(query: "x := data.agent_policy.policy_data")
                .evaluate(input: nil, print: { _ in }).first?["x"]
        } catch {
            throw LoadError(message: "\(error)")
        }
    }

    /// Evaluates the policy on an order. An undefined rule, a value other than `true` or `{"allowed": true}`, or
    /// an evaluation error all deny.
    public func decide(_ order: Order) -> Decision {
        guard let query = queries[order.verb] else { return Decision(allowed: true, ops: nil) }
        let result: Value?
        do {
            result = try query.evaluate(input: order.noun, print: { _ in }).first?["x"]
        } catch {
            return Decision(allowed: false, ops: nil)
        }
        switch result {
        case .bool(let allowed)?: return Decision(allowed: allowed, ops: nil)
        case .object(let object)?:
            return Decision(allowed: object["allowed"] == .bool(true), ops: object["ops"])
        default: return Decision(allowed: false, ops: nil)
        }
    }

    /// Applies a decision's state update (after the order executed).
    /// - Returns: `false` if the patch does not apply (the state is then unchanged).
    @discardableResult
    public mutating func apply(_ decision: Decision) -> Bool {
        guard let ops = decision.ops else { return true }
        guard case .array(let list) = ops, !list.isEmpty else { return true }
        guard let patch = BuiltinRegistry.standard["json.patch"], case .function(let body) = patch.implementation,
              let patched = try? body(Operands([policy.data, ops]), BuiltinContext(nowNanoseconds: 0, printLine: { _ in }))
        else { return false }
        policy = policy.replacingData(with: patched)
        queries = queries.mapValues { $0.replacingData(with: patched) }
        return true
    }

    /// The current data document (`{"pstate": …}`).
    public var data: Value { policy.data }
}
