import Foundation
import Testing
import TestSupport
@testable import Rego

/// Trustee's attestation and resource policies and Kata's agent policy, unmodified, on the corpus' cases.
@Suite struct RealPolicyTests {
    static func json(_ path: String) throws -> Value { try JSONReader.parse(Fixtures.bytes(path)) }

    static func trusteeCases() throws -> [Value] {
        guard case .array(let cases)? = try json("rego/policies/trustee/cases.json")[.string("cases")] else { return [] }
        return cases
    }

    @Test func trusteePoliciesGiveTheExpectedClaims() throws {
        var passed = 0
        let cases = try Self.trusteeCases()
        for testCase in cases {
            let name = testCase[.string("name")]?.stringValue ?? "?"
            var modules: [(name: String, source: String)] = []
            if case .array(let files)? = testCase[.string("policy_files")] {
                for file in files.compactMap(\.stringValue) {
                    let source = try String(contentsOf: Fixtures.url("rego/policies/trustee/" + file), encoding: .utf8)
                    modules.append((file, source))
                }
            }
            // The shim module emulates query_reference_value in Rego; Hermetic registers it natively instead.
            var data = testCase[.string("data")] ?? .emptyObject
            var builtins = BuiltinRegistry.standard
            if case .object(let object) = data, case .object(let values)? = object["reference_values"] {
                builtins = builtins.adding(.queryReferenceValue(StaticReferenceValues(object: values)))
                var rest = object
                rest[.string("reference_values")] = nil
                data = .object(rest)
            } else {
                builtins = builtins.adding(.queryReferenceValue(StaticReferenceValues([:])))
            }
            let policy = try Policy(modules: modules, data: data, builtins: builtins)
            let query = try policy.prepare(query: testCase[.string("query")]?.stringValue ?? "")
            let results = try query.evaluate(input: testCase[.string("input")], strictBuiltinErrors: false, print: { _ in })
            let got = results.first?["x"]
            if got == testCase[.string("expected")] {
                passed += 1
            } else {
                Issue.record("\(name): want \(testCase[.string("expected")]?.jsonText ?? "undefined") got \(got?.jsonText ?? "undefined")")
            }
        }
        #expect(cases.count == 39)
        #expect(passed == cases.count)
    }

    @Test func kataAgentPolicyDecidesEveryRequest() throws {
        let rules = try String(contentsOf: Fixtures.url("rego/policies/kata/src/tools/genpolicy/rules.rego"), encoding: .utf8)
        guard case .array(let sequences)? = try Self.json("rego/policies/kata/cases.json")[.string("sequences")] else {
            Issue.record("no sequences")
            return
        }
        var total = 0
        var passed = 0
        for sequence in sequences {
            let name = sequence[.string("name")]?.stringValue ?? "?"
            let policyDataPath = sequence[.string("policy_data")]?.stringValue ?? ""
            let policyData = try String(contentsOf: Fixtures.url("rego/policies/kata/" + policyDataPath), encoding: .utf8)
            let source = rules + "\npolicy_data := " + policyData
            var policy = try Policy(modules: [("rules.rego", source)],
                                    data: .object(ObjectValue(["pstate": .emptyObject])))
            guard case .array(let steps)? = sequence[.string("steps")] else { continue }
            for step in steps {
                total += 1
                let kind = step[.string("kind")]?.stringValue ?? ""
                let query = try policy.prepare(query: "x := data.agent_policy.\(kind)")
                let result = try query.evaluate(input: step[.string("input")], print: { _ in }).first?["x"]
                let decision = AgentPolicyDecision(result)
                if decision.allowed == (step[.string("allowed")] == .bool(true)) {
                    passed += 1
                } else {
                    Issue.record("\(name): \(step[.string("description")]?.stringValue ?? ""): got \(result?.jsonText ?? "undefined")")
                }
                if decision.allowed, let ops = decision.ops {
                    policy = policy.replacingData(with: try AgentPolicyDecision.apply(ops, to: policy.data))
                }
            }
        }
        #expect(total == 41)
        #expect(passed == total)
    }
}

/// A Kata agent policy result: a boolean, or `{allowed, ops}` whose JSON-Patch `ops` update the policy state.
struct AgentPolicyDecision {
    var allowed: Bool
    var ops: Value?

    init(_ result: Value?) {
        switch result {
        case .bool(let b)?: allowed = b
        case .object(let object)?:
            allowed = object["allowed"] == .bool(true)
            ops = object["ops"]
        default: allowed = false
        }
    }

    static func apply(_ ops: Value, to data: Value) throws -> Value {
        guard let patch = BuiltinRegistry.standard["json.patch"], case .function(let body) = patch.implementation,
              let patched = try body(Operands([data, ops]), BuiltinContext(nowNanoseconds: 0, printLine: { _ in }))
        else { return data }
        return patched
    }
}

/// One compiled policy, many concurrent evaluations with different inputs.
@Suite struct ConcurrentEvaluationTests {
    @Test func oneCompiledPolicyServesConcurrentQueries() async throws {
        let policy = try Policy(modules: [("p.rego", """
            package p

            double := input.n * 2

            parity := "even" if input.n % 2 == 0
            parity := "odd" if input.n % 2 == 1
            """)])
        let query = try policy.prepare(query: "d := data.p.double; p := data.p.parity")
        let results = try await withThrowingTaskGroup(of: (Int, Bindings?).self) { group in
            for n in 0..<200 {
                group.addTask { (n, try query.evaluate(input: .object(ObjectValue(["n": .int(n)])), print: { _ in }).first) }
            }
            var collected: [Int: Bindings] = [:]
            for try await (n, bindings) in group { collected[n] = bindings }
            return collected
        }
        #expect(results.count == 200)
        for (n, bindings) in results {
            #expect(bindings["d"] == .int(2 * n))
            #expect(bindings["p"] == .string(n % 2 == 0 ? "even" : "odd"))
        }
    }
}
