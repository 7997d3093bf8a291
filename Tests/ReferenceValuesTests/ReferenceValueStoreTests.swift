import Crypto
import Foundation
import HermeticCore
import Rego
import ReferenceValues
import Testing
import TestSupport

/// The reference value store: Trustee RVPS messages, signed documents, expiry on lookup, provenance, the file.
@Suite("Reference value store")
struct ReferenceValueStoreTests {
    static let now = Fixtures.time("2026-11-21T12:00:00Z")

    static func temporaryStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-rv-\(UUID().uuidString).json").path
    }

    @Test("the RVPS README's sample message: two ids, lists of values, 12 months of life, unsigned provenance")
    func rvpsSample() throws {
        let message = try RVPSMessage(json: try Fixtures.bytes("rv/rvps-readme-sample.json"))
        #expect(message.type == "sample")
        let values = message.referenceValues(at: Self.now)
        #expect(values.map(\.id) == ["test-binary-1", "test-binary-2"])
        #expect(values[0].value == .array([.string("reference-value-1"), .string("reference-value-2")]))
        #expect(values[0].expires == Fixtures.time("2027-11-21T12:00:00Z"))
        #expect(values[0].provenance.source == .rvpsSample)
    }

    @Test("RVPS messages of other types, or without a payload, are refused with the reason")
    func rvpsRejects() {
        #expect(throws: ReferenceValueError(.unsupportedType, "")) {
            try RVPSMessage(json: Array(#"{"version":"0.1.0","type":"in-toto","payload":"e30="}"#.utf8))
        }
        #expect(throws: ReferenceValueError(.malformed, "")) { try RVPSMessage(json: Array(#"{"type":"sample"}"#.utf8)) }
        #expect(throws: ReferenceValueError(.malformed, "")) { try RVPSMessage(json: Array(#"{"type":"sample","payload":"!!"}"#.utf8)) }
        #expect(throws: ReferenceValueError(.malformed, "")) { try RVPSMessage(json: Array("not json".utf8)) }
    }

    @Test("a message built by RVPSMessage.sample reads back")
    func sampleRoundTrip() throws {
        let text = RVPSMessage.sample(["snp_launch_measurement": .array([.string("ab")])])
        let message = try RVPSMessage(json: Array(text.utf8))
        #expect(message.values["snp_launch_measurement"] == .array([.string("ab")]))
    }

    @Test("expired values are not served; the snapshot says they expired; unexpired ones are")
    func expiry() throws {
        let provenance = Provenance(source: .manual, issuer: "test", addedAt: Self.now)
        let values = [
            ReferenceValue(id: "old", value: .array([.string("aa")]), expires: Fixtures.time("2026-11-20T00:00:00Z"), provenance: provenance),
            ReferenceValue(id: "fresh", value: .array([.string("bb")]), expires: Fixtures.time("2026-11-22T00:00:00Z"), provenance: provenance),
            ReferenceValue(id: "forever", value: .bool(true), expires: nil, provenance: provenance),
        ]
        let snapshot = ReferenceValueSnapshot(values, at: Self.now)
        #expect(snapshot.referenceValue(for: "old") == nil)
        #expect(snapshot.referenceValue(for: "fresh") == .array([.string("bb")]))
        #expect(snapshot.referenceValue(for: "forever") == .bool(true))
        #expect(snapshot.referenceValue(for: "absent") == nil)
        guard case .expired(let expired) = snapshot.status(of: "old") else {
            Issue.record("old is not reported as expired")
            return
        }
        #expect(expired.id == "old")
        #expect(snapshot.status(of: "absent") == .missing)
        // The day before, the same value is served.
        #expect(ReferenceValueSnapshot(values, at: Fixtures.time("2026-11-19T00:00:00Z")).referenceValue(for: "old") != nil)
    }

    @Test("the store file: add replaces by id, delete removes, everything survives reopening with provenance")
    func storeFile() throws {
        let path = Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var store = try ReferenceValueStore(path: path)
        #expect(store.values.isEmpty)
        let inputs: JSONValue = .object(["ovmf_sha256": .string("7b45"), "vcpus": .int(4)])
        try store.add([
            ReferenceValue(id: "snp_launch_measurement", value: .array([.string("aa")]), expires: Fixtures.time("2027-01-01T00:00:00Z"),
                           provenance: Provenance(source: .manual, issuer: "ops", inputs: inputs, addedAt: Self.now)),
            ReferenceValue(id: "snp_bootloader", value: .array([.int(10)]), expires: nil, provenance: Provenance(source: .manual, addedAt: Self.now)),
        ])
        try store.add([ReferenceValue(id: "snp_launch_measurement", value: .array([.string("bb")]), expires: nil,
                                      provenance: Provenance(source: .manual, issuer: "ops2", addedAt: Self.now))])
        var reopened = try ReferenceValueStore(path: path)
        #expect(reopened.values.map(\.id) == ["snp_bootloader", "snp_launch_measurement"])
        #expect(reopened.value(id: "snp_launch_measurement")?.value == .array([.string("bb")]))
        #expect(reopened.value(id: "snp_launch_measurement")?.provenance.issuer == "ops2")
        try reopened.delete(id: "snp_bootloader")
        #expect(throws: ReferenceValueError(.notFound, "")) { try reopened.delete(id: "snp_bootloader") }
        #expect(try ReferenceValueStore(path: path).values.map(\.id) == ["snp_launch_measurement"])
    }

    @Test("a file that is not a store is refused, not overwritten")
    func notAStore() throws {
        let path = Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"x\": 1}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReferenceValueError(.store, "")) { try ReferenceValueStore(path: path) }
    }

    @Test("signed documents: Ed25519 and P-256 verify with the tenant's key; provenance names issuer and key", arguments: [false, true])
    func signed(ecdsa: Bool) throws {
        let key = ecdsa ? ReferenceValueSigningKey(p256: P256.Signing.PrivateKey()) : ReferenceValueSigningKey(ed25519: Curve25519.Signing.PrivateKey())
        let values = [ReferenceValue(id: "snp_launch_measurement", value: .array([.string("cc")]), expires: Fixtures.time("2027-01-01T00:00:00Z"),
                                     provenance: Provenance(source: .signed, inputs: .object(["vcpus": .int(2)]), addedAt: Self.now))]
        let document = try SignedReferenceValues.sign(values, issuer: "build-pipeline", at: Self.now, with: key)
        let verification = try ReferenceValueVerificationKey(pem: key.publicKeyPEM)
        #expect(verification.algorithm == (ecdsa ? "ES256" : "Ed25519"))
        let read = try SignedReferenceValues(json: Array(document.utf8), keys: [verification], at: Self.now)
        #expect(read.issuer == "build-pipeline")
        #expect(read.referenceValues.count == 1)
        #expect(read.referenceValues[0].value == .array([.string("cc")]))
        #expect(read.referenceValues[0].expires == Fixtures.time("2027-01-01T00:00:00Z"))
        #expect(read.referenceValues[0].provenance.source == .signed)
        #expect(read.referenceValues[0].provenance.issuer?.contains("build-pipeline") == true)
        #expect(read.referenceValues[0].provenance.inputs == .object(["vcpus": .int(2)]))
    }

    @Test("a signed document is refused with another key, or with its payload changed")
    func signedRejects() throws {
        let key = ReferenceValueSigningKey(ed25519: Curve25519.Signing.PrivateKey())
        let other = try ReferenceValueVerificationKey(pem: ReferenceValueSigningKey(ed25519: Curve25519.Signing.PrivateKey()).publicKeyPEM)
        let values = [ReferenceValue(id: "x", value: .string("1"), expires: nil, provenance: Provenance(source: .signed, addedAt: Self.now))]
        let document = try SignedReferenceValues.sign(values, issuer: "i", at: Self.now, with: key)
        #expect(throws: ReferenceValueError(.signature, "")) { try SignedReferenceValues(json: Array(document.utf8), keys: [other], at: Self.now) }
        // Replace the payload with another one (same shape, value changed): the signature no longer covers it.
        guard var object = try JSONDecoder().decode(JSONValue.self, from: Data(document.utf8)).objectValue else {
            Issue.record("the document is not an object")
            return
        }
        let forged = JSONValue.object(["issuer": .string("i"), "issued_at": .string("2026-11-21T12:00:00Z"),
                                       "reference_values": .array([.object(["id": .string("x"), "value": .string("2")])])])
        object["payload"] = .string(Base64.encodeURL(Array(forged.canonicalJSON().utf8)))
        let right = try ReferenceValueVerificationKey(pem: key.publicKeyPEM)
        #expect(throws: ReferenceValueError(.signature, "")) {
            try SignedReferenceValues(json: Array(JSONValue.object(object).serialized().utf8), keys: [right], at: Self.now)
        }
    }

    @Test("keys that are not Ed25519/P-256/P-384 PEM are refused")
    func badKeys() {
        #expect(throws: ReferenceValueError(.key, "")) { try ReferenceValueVerificationKey(pem: "not a key") }
        #expect(throws: ReferenceValueError(.key, "")) { try ReferenceValueSigningKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }
}
