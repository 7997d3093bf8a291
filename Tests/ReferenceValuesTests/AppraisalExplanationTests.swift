import Attestation
import Foundation
import HermeticCore
import ReferenceValues
import Testing
import TestSupport

/// A genuine SEV-SNP sample (Trustee's e2e Genoa evidence) appraised with Trustee's default CPU policy
/// (ear_default_policy_cpu.rego, unchanged) and reference values taken from the sample's EXPECTED.json fields.
@Suite("Appraisals that explain themselves")
struct AppraisalExplanationTests {
    static let time = Fixtures.time("2028-11-26T05:00:00Z")
    static let measurement = "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e"

    /// The sample's annotated evidence, as the broker builds it.
    static func evidence() async throws -> JSONValue {
        let verifier = try SNPAttestationVerifier(collateralPaths: [], policyPath: nil)
        let devices = try await verifier.evaluate(
            evidence: try Fixtures.bytes("snp/trustee-e2e-genoa-siena/evidence.json"), expectedReportData: .notProvided,
            expectedInitDataDigest: .notProvided, at: time
        )
        let cpu = try #require(devices.first)
        return AnnotatedEvidence.make(tee: .snp, claims: cpu, runtimeData: nil)
    }

    /// The matching reference values, from the RVPS sample message fixture, accepted a year before `time`.
    static func referenceValues() throws -> [ReferenceValue] {
        try RVPSMessage(json: try Fixtures.bytes("rv/trustee-e2e-genoa-siena-rvps.json"))
            .referenceValues(at: Fixtures.time("2028-01-01T00:00:00Z"))
    }

    static func appraise(_ values: [ReferenceValue]) async throws -> AppraisalExplanation {
        let snapshot = ReferenceValueSnapshot(values, at: time)
        let source = String(decoding: try Fixtures.bytes("rego/policies/trustee/attestation-service/src/ear_token/ear_default_policy_cpu.rego"), as: UTF8.self)
        let policy = try AppraisalPolicy(id: "ear_default_policy_cpu", source: source, referenceValues: snapshot)
        let (submodule, explanation) = try policy.appraiseExplained(try await evidence(), at: time, snapshot: snapshot)
        #expect(submodule.status == explanation.status)
        return explanation
    }

    @Test("matching reference values: affirming, and every comparison is listed as a match")
    func affirming() async throws {
        let explanation = try await Self.appraise(try Self.referenceValues())
        #expect(explanation.status == .affirming)
        #expect(explanation.trustVector.values["executables"] == 3)
        #expect(explanation.trustVector.values["hardware"] == 2)
        #expect(explanation.trustVector.values["configuration"] == 2)
        #expect(explanation.denials.isEmpty)
        #expect(Set(explanation.checks.map(\.id)) == [
            "snp_launch_measurement", "snp_bootloader", "snp_microcode", "snp_snp_svn", "snp_tee_svn", "snp_smt_enabled",
            "snp_tsme_enabled", "snp_guest_abi_major", "snp_guest_abi_minor", "snp_single_socket", "snp_smt_allowed",
        ])
        #expect(explanation.checks.allSatisfy { $0.matched })
        let check = try #require(explanation.checks.first { $0.id == "snp_launch_measurement" })
        #expect(check.claimValue == .string(Self.measurement))
        #expect(check.comparison == "in")
    }

    @Test("one measurement changed: warning, and the explanation names snp_launch_measurement, the claim measurement and both values")
    func changedMeasurement() async throws {
        let other = String(repeating: "ab", count: 48)
        let values = try Self.referenceValues().map { value in
            var changed = value
            if value.id == "snp_launch_measurement" { changed.value = .array([.string(other)]) }
            return changed
        }
        let explanation = try await Self.appraise(values)
        #expect(explanation.status != .affirming)
        #expect(explanation.trustVector.values["executables"] == 33)
        let check = try #require(explanation.checks.first { $0.id == "snp_launch_measurement" })
        #expect(!check.matched)
        #expect(check.claim == "measurement")
        #expect(check.claimPath == "input.snp.measurement")
        #expect(check.claimValue == .string(Self.measurement))
        #expect(check.referenceValue == .array([.string(other)]))
        #expect(check.location.hasPrefix("ear_default_policy_cpu.rego:"))
        let denial = try #require(explanation.denials.first { $0.trustClaim == "executables" })
        #expect(denial.file == "ear_default_policy_cpu.rego")
        #expect(denial.condition == #"input.snp.measurement in query_reference_value("snp_launch_measurement")"#)
        // The line is the one in the policy file that holds the condition.
        let lines = String(decoding: try Fixtures.bytes("rego/policies/trustee/attestation-service/src/ear_token/ear_default_policy_cpu.rego"), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[denial.line - 1].contains("input.snp.measurement in query_reference_value"))
        #expect(explanation.text.contains("MISMATCH snp_launch_measurement: claim measurement"))
        #expect(explanation.text.contains(Self.measurement) && explanation.text.contains(other))
        // Everything else still matched.
        #expect(explanation.checks.filter { !$0.matched }.map(\.id) == ["snp_launch_measurement"])
    }

    @Test("an expired reference value is not used, and the explanation says it expired")
    func expired() async throws {
        let expiry = Fixtures.time("2028-06-01T00:00:00Z")
        let values = try Self.referenceValues().map { value in
            var changed = value
            if value.id == "snp_launch_measurement" { changed.expires = expiry }
            return changed
        }
        let explanation = try await Self.appraise(values)
        #expect(explanation.status != .affirming)
        #expect(explanation.trustVector.values["executables"] == 33)
        let check = try #require(explanation.checks.first { $0.id == "snp_launch_measurement" })
        #expect(!check.matched)
        #expect(check.referenceValue == .null)
        #expect(check.availability == .expired(expiry))
        #expect(explanation.text.contains("snp_launch_measurement expired at 2028-06-01T00:00:00Z and was not used"))
        let json = explanation.json
        #expect(json["checks"]?.arrayValue?.first { $0["id"]?.stringValue == "snp_launch_measurement" }?["availability"]
                == .object(["expired": .string("2028-06-01T00:00:00Z")]))
    }

    @Test("a missing reference value is reported as missing, not as a mismatch of values")
    func missing() async throws {
        let values = try Self.referenceValues().filter { $0.id != "snp_bootloader" }
        let explanation = try await Self.appraise(values)
        #expect(explanation.trustVector.values["hardware"] == 97)
        let check = try #require(explanation.checks.first { $0.id == "snp_bootloader" })
        #expect(check.availability == .missing)
        #expect(explanation.denials.contains { $0.trustClaim == "hardware" && $0.condition.contains("snp_bootloader") })
    }
}
