import Testing
import Rego
@testable import Gate

/// Kata's recorded agent policy decisions (genpolicy's rules.rego on its own test cases), run through the whole gate:
/// frames, Executive, Servicer, policy with state carried between requests.
@Suite struct KataCasesThroughGateTests {
    @Test func everyRecordedDecisionComesOutOfTheGate() throws {
        let rules = try GateFixtures.text("rego/policies/kata/src/tools/genpolicy/rules.rego")
        guard case .array(let sequences)? = try JSONReader.parse(GateFixtures.text("rego/policies/kata/cases.json"))[.string("sequences")]
        else {
            Issue.record("no sequences")
            return
        }
        var total = 0
        var matched = 0
        for sequence in sequences {
            let name = sequence[.string("name")]?.stringValue ?? "?"
            let data = try GateFixtures.text("rego/policies/kata/" + (sequence[.string("policy_data")]?.stringValue ?? ""))
            var core = GateCore(policy: try AgentPolicy(source: rules + "\npolicy_data := " + data))
            guard case .array(let steps)? = sequence[.string("steps")] else { continue }
            var uid: UInt64 = 100
            for step in steps {
                total += 1
                uid += 1
                let kind = step[.string("kind")]?.stringValue ?? ""
                guard let verb = Verb(name: kind), let input = step[.string("input")] else {
                    Issue.record("\(name): no verb for \(kind)")
                    continue
                }
                let expected = step[.string("allowed")] == .bool(true)
                let frame = Frame.order(verb, uid: uid, noun: Array(input.jsonText.utf8))
                let status: GateStatus
                switch core.decide(frame) {
                case .reply(let refused, _): status = refused
                case .execute(let order, let decision):
                    // The policy alone must agree too, so a state refusal never hides a policy difference.
                    status = core.finish(order, decision: decision, executed: true)
                }
                // A state refusal (a second CreateSandbox) must still be a policy refusal where Kata recorded one.
                if status == .refusedByState, let order = try? Executive().admit(frame) {
                    #expect(core.policy.decide(order).allowed == expected, "\(name): policy alone")
                }
                if (status == .ok) == expected {
                    matched += 1
                } else {
                    Issue.record("\(name): \(step[.string("description")]?.stringValue ?? ""): gate said \(status.name)")
                }
            }
        }
        #expect(total == 41)
        #expect(matched == total)
    }
}
