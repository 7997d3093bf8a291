import Attestation
import Crypto
import Foundation
import HermeticCore
import JOSE
import KeyBroker
import ReferenceValues
import Testing
import TestSupport

/// Reference values through the admin API: Hermetic's signed documents beside Trustee's RVPS form, list, get and
/// delete, expiry and provenance kept, and expired or deleted values not used by the policy.
@Suite("Broker reference values: signed documents, list, get, delete")
struct ReferenceValueAdminTests {
    static let tenant = Curve25519.Signing.PrivateKey()

    static func harness(requireSigned: Bool = false, signers: [ReferenceValueVerificationKey]? = nil) async throws -> Harness {
        var configuration = BrokerConfiguration()
        configuration.referenceValueSigners = try signers ?? [ReferenceValueVerificationKey(pem: ReferenceValueSigningKey(ed25519: tenant).publicKeyPEM)]
        configuration.requireSignedReferenceValues = requireSigned
        return try await Harness.make(allowSample: false, configuration: configuration)
    }

    static func document(_ values: [String: JSONValue], expires: Date?, key: ReferenceValueSigningKey = ReferenceValueSigningKey(ed25519: tenant)) throws -> [UInt8] {
        let inputs: JSONValue = .object(["ovmf": .string("OVMF.fd sha256:1234"), "vcpus": .int(4)])
        let entries = values.keys.sorted().compactMap { id in
            values[id].map { ReferenceValue(id: id, value: $0, expires: expires, provenance: Provenance(source: .signed, inputs: inputs, addedAt: Date())) }
        }
        return Array(try SignedReferenceValues.sign(entries, issuer: "release-pipeline", at: Date(), with: key).utf8)
    }

    func call(_ harness: Harness, _ method: String, _ path: String, _ body: [UInt8] = []) async -> (Int, JSONValue) {
        let response = await harness.broker.handle(BrokerRequest(method: method, path: path, headers: ["Authorization": "Bearer \(harness.adminToken)"], body: body))
        return (response.status, (try? JSONValue(parsing: response.body)) ?? .null)
    }

    @Test("a signed document is stored with its expiry, inputs and signer; list, get and delete answer in the rv get form")
    func signedRoundTrip() async throws {
        let harness = try await Self.harness()
        let expires = Date(timeIntervalSince1970: 1_900_000_000)
        let (status, added) = await call(harness, "POST", "reference-value", try Self.document(["snp_bootloader": .array([.int(10)]), "snp_microcode": .array([.int(84)])], expires: expires))
        #expect(status == 200, "\(added)")
        #expect(added.arrayValue?.count == 2)

        let (_, got) = await call(harness, "GET", "reference-value/snp_bootloader")
        let value = try ReferenceValue(listing: got)
        #expect(value.value == .array([.int(10)]))
        #expect(value.expires == expires)
        #expect(value.provenance.source == .signed)
        #expect(value.provenance.issuer?.hasPrefix("release-pipeline (key sha256:") == true)
        #expect(value.provenance.inputs?["vcpus"] == .int(4))
        #expect(got["expired"] == .bool(false))

        try await harness.client().setReferenceValues(["test-binary": .array([.string("ab")])], adminToken: harness.adminToken)
        let (_, list) = await call(harness, "GET", "reference-value")
        #expect(list.arrayValue?.compactMap { $0["id"]?.stringValue } == ["snp_bootloader", "snp_microcode", "test-binary"])
        #expect(list.arrayValue?.last?["provenance"]?["source"] == .string("rvps-sample"))

        #expect(await call(harness, "DELETE", "reference-value/snp_microcode").0 == 200)
        let (again, error) = await call(harness, "DELETE", "reference-value/snp_microcode")
        #expect(again == 401)
        #expect(error["detail"]?.stringValue?.contains("no reference value snp_microcode") == true)
        #expect(await call(harness, "GET", "reference-value/snp_microcode").0 == 401)
        let records = try await harness.broker.store.auditRecords().map(\.eventJSON)
        #expect(records.contains { $0.contains("delete-reference-value") && $0.contains("snp_microcode") })
    }

    @Test("unsigned when signatures are required, another key's signature, a tampered payload, no key configured: each refused, nothing stored")
    func refusals() async throws {
        let strict = try await Self.harness(requireSigned: true)
        let values: [String: JSONValue] = ["snp_launch_measurement": .array([.string("aa")])]
        let (unsigned, unsignedError) = await call(strict, "POST", "reference-value", Array(RVPSMessage.sample(values).utf8))
        #expect(unsigned == 401)
        #expect(unsignedError["type"]?.stringValue?.hasSuffix("RvpsError") == true)
        #expect(unsignedError["detail"]?.stringValue?.contains("only signed") == true)

        let other = try Self.document(values, expires: nil, key: ReferenceValueSigningKey(p256: P256.Signing.PrivateKey()))
        let (foreign, foreignError) = await call(strict, "POST", "reference-value", other)
        #expect(foreign == 401)
        #expect(foreignError["detail"]?.stringValue?.contains("does not verify") == true, "\(foreignError)")

        var tampered = try JSONValue(parsing: try Self.document(values, expires: nil)).objectValue ?? [:]
        tampered["payload"] = .string(Base64.encodeURL(Array(#"{"issuer":"x","issued_at":"2026-01-01T00:00:00Z","reference_values":[{"id":"snp_launch_measurement","value":["bb"]}]}"#.utf8)))
        let (changed, changedError) = await call(strict, "POST", "reference-value", Array(JSONValue.object(tampered).serialized().utf8))
        #expect(changed == 401)
        #expect(changedError["detail"]?.stringValue?.contains("does not verify") == true)
        #expect(try await strict.broker.store.referenceValues().isEmpty)

        let keyless = try await Self.harness(signers: [])
        let (noKey, noKeyError) = await call(keyless, "POST", "reference-value", try Self.document(values, expires: nil))
        #expect(noKey == 401)
        #expect(noKeyError["detail"]?.stringValue?.contains("no signer key is configured") == true)
    }

    @Test("signed values appraise the fake chip as affirming until they expire or are deleted")
    func expiredAndDeletedNotUsed() async throws {
        let harness = try await Self.harness()
        let chip = try Shared.chip.get()
        let expires = harness.clock.now.addingTimeInterval(86_400)
        #expect(await call(harness, "POST", "reference-value", try Self.document(chip.trusteeReferenceValues, expires: expires)).0 == 200)

        func executables() async throws -> JSONValue? {
            let attested = try await harness.client().attest(evidence: FakeSNPEvidenceSource(chip: chip), key: PrivateJWK.generateEC())
            let claims = try await EARTokenVerifier(trusting: [harness.broker.signer.publicKey]).verify(attested.token, at: harness.clock.now)
            return claims["submods"]?["cpu0"]?["ear.trustworthiness-vector"]?["executables"]
        }
        #expect(try await executables() == .int(3))
        harness.clock.advance(2 * 86_400)
        #expect(try await executables() == .int(33))
        let (_, listed) = await call(harness, "GET", "reference-value/snp_launch_measurement")
        #expect(listed["expired"] == .bool(true))

        #expect(await call(harness, "POST", "reference-value", try Self.document(chip.trusteeReferenceValues, expires: nil)).0 == 200)
        #expect(try await executables() == .int(3))
        #expect(await call(harness, "DELETE", "reference-value/snp_launch_measurement").0 == 200)
        #expect(try await executables() == .int(33))
    }
}
