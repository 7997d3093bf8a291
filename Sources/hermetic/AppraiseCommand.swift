import ArgumentParser
import Attestation
import Foundation
import HermeticCore
import ReferenceValues
import SEVSNP

/// `hermetic appraise`: verify evidence, appraise its claims with a policy and reference values, and explain.
struct AppraiseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appraise",
        abstract: "Verify evidence, appraise it with a Trustee-style policy and a reference value store, and explain the result.",
        discussion: """
            Prints the status, the trust vector, every comparison of a claim with a reference value (id, claim, both
            values, match), reference values that were expired or missing, and for each trust claim that is not
            affirming the first failing condition with its policy file and line. Exit 0 when the status is affirming,
            1 when it is not or the evidence is rejected, 2 on unreadable input, 3 when collateral is missing.
            """
    )

    @Option(help: "The TEE: snp, tdx, sgx, or sample (with --allow-sample).") var tee: String
    @Option(help: "The evidence file.") var evidence: String
    @Option(help: "Collateral file or directory; repeatable.") var collateral: [String] = []
    @Option(help: "The appraisal policy (Rego, package policy, trust_claims), e.g. Trustee's ear_default_policy_cpu.rego.") var policy: String
    @Option(help: "The reference value store file.") var rv: String
    @Option(help: "Verification and expiry time (RFC 3339); default: now.") var at: String?
    @Option(name: .customLong("expect-report-data"), help: "Hex REPORT_DATA the evidence must carry.") var expectReportData: String?
    @Option(name: .customLong("expect-host-data"), help: "Hex init-data digest, or an init-data TOML file, the evidence must carry.") var expectHostData: String?
    @Flag(help: "Print the explanation as one JSON object.") var json = false
    @Flag(name: .customLong("allow-sample"), help: "Allow the unsigned sample TEE (development only).") var allowSample = false

    func run() async throws {
        guard let tee = TEE(name: tee) else {
            throw ValidationError("unknown TEE \"\(self.tee)\"; known: \(TEE.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let time = try at.map { text in
            guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) else {
                throw ValidationError("--at \"\(text)\" is not an RFC 3339 time such as 2025-06-01T00:00:00Z")
            }
            return date
        } ?? Date()
        let reportData: ExpectedData = try expectReportData.map { hex in
            guard let bytes = Hex.decode(hex) else { throw ValidationError("--expect-report-data \"\(hex)\" is not hexadecimal") }
            return .value(bytes)
        } ?? .notProvided
        let hostData = try expectHostData.map { try InitDataFile.expectation($0, option: "--expect-host-data") } ?? .notProvided
        guard let policyData = FileManager.default.contents(atPath: policy) else {
            throw InputError(description: "cannot read policy \(policy)")
        }
        let store = try RVFiles.run { try ReferenceValueStore(path: rv) }
        let snapshot = store.snapshot(at: time)
        do {
            guard let bytes = FileManager.default.contents(atPath: evidence) else {
                throw InputError(description: "cannot read evidence file \(evidence)")
            }
            var registry = VerifierRegistry(allowSample: allowSample)
            switch tee {
            case .snp: registry.register(try SNPAttestationVerifier(collateralPaths: collateral, policyPath: nil))
            case .tdx, .sgx: registry.register(try DCAPAttestationVerifier(tee: tee, collateralPaths: collateral, rootPath: nil, policyPath: nil))
            default: break
            }
            let devices = try await registry.verifier(for: tee).evaluate(
                evidence: [UInt8](bytes), expectedReportData: reportData, expectedInitDataDigest: hostData, at: time
            )
            guard let cpu = devices.first else { throw InputError(description: "the evidence yielded no claims") }
            let name = URL(fileURLWithPath: policy).deletingPathExtension().lastPathComponent
            let appraisal = try AppraisalPolicy(id: name, source: String(decoding: policyData, as: UTF8.self), referenceValues: snapshot)
            let evidenceClaims = AnnotatedEvidence.make(tee: tee, claims: cpu, runtimeData: nil)
            let (_, explanation) = try appraisal.appraiseExplained(evidenceClaims, at: time, snapshot: snapshot)
            print(json ? explanation.json.serialized(pretty: true) : explanation.text)
            if explanation.status != .affirming { throw ExitCode(ExitStatus.rejected.rawValue) }
        } catch let error as any ClassifiedError {
            let status = ExitStatus(error.kind)
            if json {
                print(VerdictOutput.failed(tee: tee, error: error, status: status))
            } else {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
            }
            throw ExitCode(status.rawValue)
        }
    }
}
