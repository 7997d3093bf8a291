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
