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
