import Foundation
import HermeticCore
import Testing
import TestSupport

@Suite("hermetic policy")
struct PolicyCommandTests {
    func temporary(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }


    @Test("eval prints the result set as JSON and exits 0")
    func evalPrintsResults() throws {
        let policy = try temporary("p.rego", """
            package policy

            default allow := false

            allow if input.tee == "snp"
            """)
        let input = try temporary("input.json", #"{"tee": "snp"}"#)
        let run = try CLIRun.hermetic(["policy", "eval", "--policy", policy, "--input", input, "--query", "data.policy.allow"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8)) == .array([.bool(true)]))
        let bound = try CLIRun.hermetic(["policy", "eval", "--policy", policy, "--input", input, "--query", "x := data.policy"])
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(bound.stdout.utf8))
            == .array([.object(["x": .object(["allow": .bool(true)])])]))
    }

    @Test("a parse error exits 2 naming file, line and column")
    func parseErrorExits2() throws {
        let policy = try temporary("bad.rego", "package p\n\nallow if {\n  input.x ==\n}\n")
        let run = try CLIRun.hermetic(["policy", "eval", "--policy", policy, "--query", "data.p.allow"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("bad.rego:5:1: rego_parse_error"), "\(run.stderr)")
    }

    @Test("an evaluation error exits 2 with OPA's code")
    func conflictExits2() throws {
        let policy = try temporary("conflict.rego", "package p\n\nx := 1\nx := 2 if true\n")
        let run = try CLIRun.hermetic(["policy", "eval", "--policy", policy, "--query", "data.p.x"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("eval_conflict_error: complete rules must not produce multiple outputs"), "\(run.stderr)")
    }

    @Test("test runs test_ rules and exits 1 when one fails")
    func testRules() throws {
        let file = try temporary("t.rego", """
            package t

            double(x) := x * 2

            test_double if double(2) == 4
            test_wrong if double(2) == 5
            """)
        let run = try CLIRun.hermetic(["policy", "test", file])
        #expect(run.status == 1)
        #expect(run.stdout.contains("data.t.test_double: PASS"))
        #expect(run.stdout.contains("data.t.test_wrong: FAIL"))
        #expect(run.stdout.contains("PASS: 1/2"))
    }
}

@Suite("hermetic policy eval on Trustee's default CPU policy")
struct TrusteePolicyCommandTests {
    @Test("reference values from a file reach query_reference_value")
    func referenceValues() throws {
        let policy = Fixtures.url("rego/policies/trustee/attestation-service/src/ear_token/ear_default_policy_cpu.rego").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let input = directory.appendingPathComponent("input.json")
        try #"{"sample": {"svn": "1", "launch_digest": "abcde", "platform_version": {"major": 1, "minor": 4}, "debug": false}}"#
            .write(to: input, atomically: true, encoding: .utf8)
        let values = directory.appendingPathComponent("rv.json")
        try #"{"svn": ["1"], "launch_digest": ["abcde"], "major_version": 1, "minimum_minor_version": 1}"#
            .write(to: values, atomically: true, encoding: .utf8)
        let matched = try CLIRun.hermetic(["policy", "eval", "--policy", policy, "--input", input.path,
                                           "--reference-values", values.path, "--query", "data.policy.trust_claims"])
        #expect(matched.status == 0, "\(matched.stderr)")
        let claims = try JSONDecoder().decode(JSONValue.self, from: Data(matched.stdout.utf8))
        #expect(claims.arrayValue?.first?["hardware"] == .int(2))
        #expect(claims.arrayValue?.first?["executables"] == .int(3))
        let empty = try CLIRun.hermetic(["policy", "eval", "--policy", policy, "--input", input.path,
                                         "--query", "data.policy.trust_claims"])
        let unmatched = try JSONDecoder().decode(JSONValue.self, from: Data(empty.stdout.utf8))
        #expect(unmatched.arrayValue?.first?["hardware"] == .int(97))
    }
}
