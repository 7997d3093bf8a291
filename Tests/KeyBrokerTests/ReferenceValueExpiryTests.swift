import Attestation
import Foundation
import HermeticCore
import JOSE
import KeyBroker
import Testing
import TestSupport

/// Reference values through the broker's admin API keep Trustee's 12-month expiry and their provenance, and the
/// broker enforces the expiry at attestation (Trustee stores it and never checks).
@Suite("Broker reference values: expiry and provenance")
struct ReferenceValueExpiryTests {
    @Test("values set through the admin API serve for 12 months, then the same evidence is no longer affirmed")
    func expiryEnforced() async throws {
        let harness = try await Harness.make(allowSample: false)
        let chip = try Shared.chip.get()
        try await harness.client().setReferenceValues(Harness.snpReferenceValues(chip), adminToken: harness.adminToken)

        let stored = try await harness.client().referenceValue("snp_launch_measurement", adminToken: harness.adminToken)
        #expect(stored["provenance"]?["source"] == .string("rvps-sample"))
        #expect(stored["value"] == Harness.snpReferenceValues(chip)["snp_launch_measurement"])
        #expect(stored["expires"]?.stringValue != nil)

        func executables() async throws -> JSONValue? {
            let key = PrivateJWK.generateEC()
            let attested = try await harness.client().attest(evidence: FakeSNPEvidenceSource(chip: chip), key: key)
            let claims = try await EARTokenVerifier(trusting: [harness.broker.signer.publicKey]).verify(attested.token, at: harness.clock.now)
            return claims["submods"]?["cpu0"]?["ear.trustworthiness-vector"]?["executables"]
        }
        #expect(try await executables() == .int(3))
        harness.clock.advance(335 * 86_400)  // 11 months on: still valid
        #expect(try await executables() == .int(3))
        harness.clock.advance(40 * 86_400)  // past 12 months: expired, not served
        #expect(try await executables() == .int(33))
    }
}
