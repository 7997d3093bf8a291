import Attestation
import Foundation
import HermeticCore
import SEVSNP
import Testing
import TestSupport

@Suite("Verifiers and registry")
struct VerifierRegistryTests {
    let sampleEvidence = Array(#"{"svn":"1","report_data":"AAECAw=="}"#.utf8)

    @Test("the sample TEE is refused unless allowed")
    func sampleRefusedByDefault() throws {
        let error = #expect(throws: VerifierRegistry.Refusal.self) { try VerifierRegistry().verifier(for: .sample) }
        #expect(error?.description.contains("--allow-sample") == true)
        var registry = VerifierRegistry()
        registry.register(SampleVerifier())
        #expect(throws: VerifierRegistry.Refusal.self) { try registry.verifier(for: .sample) }
    }

    @Test("sample evidence checks report_data exactly, as Trustee's sample verifier does")
    func sampleReportData() async throws {
        let verifier = try VerifierRegistry(allowSample: true).verifier(for: .sample)
        let claims = try await verifier.evaluate(evidence: sampleEvidence, expectedReportData: .value([0, 1, 2, 3]), expectedInitDataDigest: .value([9]), at: Date())
        #expect(claims.first?.values["svn"] == .string("1"))
        #expect(claims.first?.values["init_data"] == .string("CQ=="))
        await #expect(throws: SampleVerifier.Failure.self) {
            try await verifier.evaluate(evidence: sampleEvidence, expectedReportData: .value([0, 1, 2]), expectedInitDataDigest: .notProvided, at: Date())
        }
        let malformed = await #expect(throws: SampleVerifier.Failure.self) {
            try await verifier.evaluate(evidence: Array("[1]".utf8), expectedReportData: .notProvided, expectedInitDataDigest: .notProvided, at: Date())
        }
        #expect(malformed?.kind == .malformed)
    }

    @Test("the snp verifier produces CPU claims through the registry")
    func snpThroughRegistry() async throws {
        var registry = VerifierRegistry()
        registry.register(try SNPAttestationVerifier(collateralPaths: [], policyPath: nil))
        let verifier = try registry.verifier(for: .snp)
        let claims = try await verifier.evaluate(
            evidence: try Fixtures.bytes("snp/trustee-e2e-genoa-siena/evidence.json"), expectedReportData: .notProvided,
            expectedInitDataDigest: .value([UInt8](repeating: 0, count: 32)), at: Fixtures.time("2028-11-26T05:00:00Z")
        )
        #expect(claims.count == 1)
        #expect(claims[0].deviceClass == .cpu)
        #expect(claims[0].values["measurement"]?.stringValue?.hasPrefix("6a6519d757e68c2e") == true)
        #expect(throws: VerifierRegistry.Refusal.self) { try registry.verifier(for: .tdx) }
    }
}

@Suite("DCAP verifiers in the registry")
struct DCAPRegistryTests {
    @Test("tdx and sgx verifiers register under their TEEs and verify Trustee's evidence JSON")
    func registered() async throws {
        let directory = Fixtures.url("tdx/_collateral-tinfoil-2026").path
        var registry = VerifierRegistry()
        registry.register(try DCAPAttestationVerifier(tee: .tdx, collateralPaths: [directory], policyPath: nil))
        registry.register(try DCAPAttestationVerifier(tee: .sgx, collateralPaths: [directory], policyPath: nil))
        let quote = try Fixtures.bytes("tdx/gotdxguest-quote-v5/quote_v5_sample.dat")
        let evidence = Array("{\"quote\": \"\(Base64.encode(quote))\", \"cc_eventlog\": null}".utf8)
        let claims = try await registry.verifier(for: .tdx).evaluate(
            evidence: evidence, expectedReportData: .notProvided, expectedInitDataDigest: .value([UInt8](repeating: 0, count: 48)),
            at: Fixtures.time("2026-02-04T03:00:00Z")
        )
        #expect(claims.first?.values["tcb_status"] == .string("UpToDate"))
        #expect(claims.first?.deviceClass == .cpu)
        await #expect(throws: (any Error).self) {
            try await registry.verifier(for: .sgx).evaluate(evidence: evidence, expectedReportData: .notProvided, expectedInitDataDigest: .notProvided,
                                                            at: Fixtures.time("2026-02-04T03:00:00Z"))
        }
    }
}

@Suite("Evidence embedded as JSON")
struct EmbeddedEvidenceTests {
    static let time = Fixtures.time("2028-11-26T05:00:00Z")
    static let initData = ExpectedData.value([UInt8](repeating: 0, count: 32))

    @Test("the snp verifier reads an embedded JSON value exactly as it reads the same evidence as text")
    func snpJSONEqualsText() async throws {
        let verifier = try SNPAttestationVerifier(collateralPaths: [], policyPath: nil)
        let text = try Fixtures.bytes("snp/trustee-e2e-genoa-siena/evidence.json")
        let fromText = try await verifier.evaluate(evidence: text, expectedReportData: .notProvided, expectedInitDataDigest: Self.initData, at: Self.time)
        let fromJSON = try await verifier.evaluate(evidenceJSON: try JSONValue(parsing: text), expectedReportData: .notProvided,
                                                   expectedInitDataDigest: Self.initData, at: Self.time)
        #expect(fromJSON.map(\.values) == fromText.map(\.values))
        #expect(fromJSON.first?.values["measurement"]?.stringValue?.hasPrefix("6a6519d757e68c2e") == true)
    }

    @Test("a changed report field in embedded JSON is rejected as it is in text")
    func snpJSONTampered() async throws {
        let verifier = try SNPAttestationVerifier(collateralPaths: [], policyPath: nil)
        let document = try JSONValue(parsing: try Fixtures.bytes("snp/trustee-e2e-genoa-siena/evidence.json"))
        guard case .object(var members) = document, case .object(var report)? = members["attestation_report"] else {
            Issue.record("the fixture is not Trustee's snp evidence JSON")
            return
        }
        report["guest_svn"] = .int((report["guest_svn"]?.intValue ?? 0) + 1)
        members["attestation_report"] = .object(report)
        await #expect(throws: (any Error).self) {
            try await verifier.evaluate(evidenceJSON: .object(members), expectedReportData: .notProvided, expectedInitDataDigest: Self.initData, at: Self.time)
        }
        let missing = await #expect(throws: SNPError.self) {
            try await verifier.evaluate(evidenceJSON: .array([]), expectedReportData: .notProvided, expectedInitDataDigest: Self.initData, at: Self.time)
        }
        #expect(missing?.description.contains("attestation_report") == true)
    }

    @Test("sample evidence as embedded JSON checks report_data as the text path does")
    func sampleJSON() async throws {
        let verifier = try VerifierRegistry(allowSample: true).verifier(for: .sample)
        let evidence = JSONValue.object(["svn": .string("1"), "report_data": .string("AAECAw==")])
        let claims = try await verifier.evaluate(evidenceJSON: evidence, expectedReportData: .value([0, 1, 2, 3]), expectedInitDataDigest: .notProvided, at: Date())
        #expect(claims.first?.values["svn"] == .string("1"))
        await #expect(throws: SampleVerifier.Failure.self) {
            try await verifier.evaluate(evidenceJSON: evidence, expectedReportData: .value([0, 1, 2]), expectedInitDataDigest: .notProvided, at: Date())
        }
        await #expect(throws: SampleVerifier.Failure.self) {
            try await verifier.evaluate(evidenceJSON: .array([.int(1)]), expectedReportData: .notProvided, expectedInitDataDigest: .notProvided, at: Date())
        }
    }

    @Test("a verifier without a JSON reader gets the value written out as text (the default)")
    func defaultWritesText() async throws {
        let directory = Fixtures.url("tdx/_collateral-tinfoil-2026").path
        let verifier = try DCAPAttestationVerifier(tee: .tdx, collateralPaths: [directory], policyPath: nil)
        let quote = try Fixtures.bytes("tdx/gotdxguest-quote-v5/quote_v5_sample.dat")
        let evidence = JSONValue.object(["quote": .string(Base64.encode(quote)), "cc_eventlog": .null])
        let claims = try await verifier.evaluate(evidenceJSON: evidence, expectedReportData: .notProvided,
                                                 expectedInitDataDigest: .value([UInt8](repeating: 0, count: 48)), at: Fixtures.time("2026-02-04T03:00:00Z"))
        #expect(claims.first?.values["tcb_status"] == .string("UpToDate"))
    }
}
