import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import Attestation
import TPM

@Suite("The tpm verifier in the registry")
struct TPMAttestationVerifierTests {
    @Test("Trustee's tpm evidence verifies through the registry with its AK as collateral; without it there is no verdict")
    func trusteeEvidence() async throws {
        var registry = VerifierRegistry()
        registry.register(try TPMAttestationVerifier(collateralPaths: [Fixtures.url("tpm/trustee-tpm-evidence/ak_public.pem").path]))
        let evidence = try Fixtures.bytes("tpm/trustee-tpm-evidence/tpm_evidence.json")
        let devices = try await registry.verifier(for: .tpm).evaluate(
            evidence: evidence, expectedReportData: .notProvided, expectedInitDataDigest: .notProvided, at: Fixtures.time("2026-11-21T00:00:00Z"))
        #expect(devices.first?.values["pcr23"] != nil)
        #expect(devices.first?.deviceClass == .cpu)
        let untrusted = try TPMAttestationVerifier(collateralPaths: [])
        do {
            _ = try await untrusted.evaluate(evidence: evidence, expectedReportData: .notProvided, expectedInitDataDigest: .notProvided, at: Date())
            Issue.record("an untrusted AK was accepted")
        } catch let error as TPMError {
            #expect(error.kind == .collateralUnavailable)
        }
    }
}
