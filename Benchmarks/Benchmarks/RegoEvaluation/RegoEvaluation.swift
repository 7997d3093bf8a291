import Benchmark
import Foundation
import Rego

/// Trustee's default CPU attestation policy on the SNP claims of a Milan guest whose reference values all match
/// (the corpus case `cpu-snp-milan-rv-match`), compiled once and evaluated per iteration.
private enum TrusteeCPU {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/rego/policies/trustee")

    static func load() throws -> (query: PreparedQuery, input: Value) {
        let cases = try JSONReader.parse([UInt8](Data(contentsOf: fixtures.appendingPathComponent("cases.json"))))
        guard case .array(let list)? = cases[.string("cases")],
              let sample = list.first(where: { $0[.string("name")] == .string("cpu-snp-milan-rv-match") }),
              case .object(let data)? = sample[.string("data")],
              case .object(let referenceValues)? = data["reference_values"],
              let input = sample[.string("input")]
        else { throw CocoaError(.fileReadCorruptFile) }
        let source = try String(contentsOf: fixtures.appendingPathComponent(
            "attestation-service/src/ear_token/ear_default_policy_cpu.rego"), encoding: .utf8)
        let builtins = BuiltinRegistry.standard.adding(.queryReferenceValue(StaticReferenceValues(object: referenceValues)))
        let policy = try Policy(modules: [("ear_default_policy_cpu.rego", source)], builtins: builtins)
        return (try policy.prepare(query: "x := data.policy"), input)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    // Loaded and compiled once for the whole run, outside the measured closure: loading inside it would put a cold
    // cache (the corpus file just parsed, the policy just compiled) into every sample.
    let prepared = Result { try TrusteeCPU.load() }
    Benchmark("Trustee default CPU policy, SNP claims (compiled once)") { benchmark in
        let (query, input) = try prepared.get()
        for _ in benchmark.scaledIterations {
            blackHole(try query.evaluate(input: input, print: { _ in }))
        }
    }

    // The same evaluation recording an explanation (`hermetic appraise`): what the trace costs when it is on. The
    // broker's path above passes no trace.
    Benchmark("Trustee default CPU policy, SNP claims, traced for an explanation") { benchmark in
        let (query, input) = try prepared.get()
        for _ in benchmark.scaledIterations {
            let trace = EvaluationTrace()
            blackHole(try query.evaluate(input: input, print: { _ in }, trace: trace))
            blackHole(trace.comparisons.count)
        }
    }
}
