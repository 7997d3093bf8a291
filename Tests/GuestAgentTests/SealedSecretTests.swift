import Crypto
import Foundation
import HermeticCore
import KBSClient
import Testing

@Suite("Sealed secrets (Confidential Containers format) through the broker")
struct SealedSecretTests {
    @Test("vault: the signature is checked with the kid fetched from the broker, then the named resource is the secret")
    func vault() async throws {
        let harness = try await BrokerHarness.make()
        try await harness.allowAll()
        let signer = P256.Signing.PrivateKey()
        try await harness.store("default/sealed-secret-key/1", SealedSecret.publicJWK(signer.publicKey))
        try await harness.store("one/2/trois", Array("the-secret".utf8))
        let sealed = try SealedSecret.seal(payload: SealedSecret.vaultPayload(try ResourceURI("kbs:///one/2/trois")),
                                           keyID: "kbs:///default/sealed-secret-key/1", key: signer)
        let unsealer = SealedSecretUnsealer(session: harness.session(SampleEvidenceSource()))
        #expect(try await unsealer.unseal(sealed) == Array("the-secret".utf8))

        // Another signer under the same kid: the signature does not verify.
        let forged = try SealedSecret.seal(payload: SealedSecret.vaultPayload(try ResourceURI("kbs:///one/2/trois")),
                                           keyID: "kbs:///default/sealed-secret-key/1", key: P256.Signing.PrivateKey())
        let error = try await #require(throws: SealedSecretError.self) { try await unsealer.unseal(forged) }
        #expect(error.code == .signature)
        // A payload swapped under a valid header and signature.
        let parts = sealed.split(separator: ".").map(String.init)
        let swapped = Base64.encodeURL(Array(SealedSecret.vaultPayload(try ResourceURI("kbs:///default/sealed-secret-key/1")).serialized().utf8))
        let tampered = [parts[0], parts[1], swapped, parts[3]].joined(separator: ".")
        #expect((try? await unsealer.unseal(tampered)) == nil)
        // Unverified mode (CDH's SKIP_SEALED_SECRET_VERIFICATION) opens the forged one.
        let lax = SealedSecretUnsealer(session: harness.session(SampleEvidenceSource()), verifySignatures: false)
        #expect(try await lax.unseal(forged) == Array("the-secret".utf8))
    }

    @Test("guest-components' vault-2.json payload parses; malformed strings name what is wrong")
    func parsing() throws {
        let payload = #"{"version":"0.1.0","type":"vault","name":"kbs:///one/2/trois","provider":"kbs","provider_settings":{},"annotations":{}}"#
        let header = Base64.encodeURL(Array(#"{"alg":"ES256","kid":"kbs:///a/b/c"}"#.utf8))
        let text = "sealed.\(header).\(Base64.encodeURL(Array(payload.utf8))).\(Base64.encodeURL([UInt8](repeating: 1, count: 64)))"
        let secret = try SealedSecret(text)
        #expect(secret.content == .vault(try ResourceURI("kbs:///one/2/trois")))
        #expect(secret.keyID == "kbs:///a/b/c" && secret.provider == "kbs")
        let cases: [(String, SealedSecretError.Code)] = [
            ("sealed.a.b", .malformed),
            ("unsealed.\(header).\(Base64.encodeURL(Array(payload.utf8))).AA", .malformed),
            ("sealed.\(header).!!!.AA", .malformed),
            ("sealed.\(header).\(Base64.encodeURL(Array(payload.replacingOccurrences(of: "0.1.0", with: "0.2.0").utf8))).AA", .version),
            ("sealed.\(header).\(Base64.encodeURL(Array(payload.replacingOccurrences(of: "vault", with: "other").utf8))).AA", .unsupported),
            ("sealed.\(header).\(Base64.encodeURL(Array(payload.replacingOccurrences(of: "kbs:///one/2/trois", with: "kbs:///one/2").utf8))).AA", .resourceURI),
        ]
        for (text, code) in cases {
            let error = try #require(throws: SealedSecretError.self) { try SealedSecret(text) }
            #expect(error.code == code, "\(text)")
        }
    }

    @Test("envelope: the data opens with the data key the KMS returns; a wrong key is a decryption error")
    func envelope() throws {
        let key = SymmetricKey(size: .bits256)
        let nonce = AES.GCM.Nonce()
        let box = try AES.GCM.seal(Array("enveloped".utf8), using: key, nonce: nonce)
        let keyBytes = key.withUnsafeBytes { Array($0) }
        let payload: JSONValue = .object([
            "version": .string("0.1.0"), "type": .string("envelope"), "provider": .string("kbs"), "key_id": .string("kbs:///default/kek/1"),
            "encrypted_key": .string(Base64.encode([1, 2, 3])), "encrypted_data": .string(Base64.encode(Array(box.ciphertext) + Array(box.tag))),
            "wrap_type": .string("A256GCM"), "iv": .string(Base64.encode(Array(nonce))), "provider_settings": .object([:]), "annotations": .object([:]),
        ])
        let secret = try SealedSecret(try SealedSecret.seal(payload: payload, keyID: "kbs:///default/k/1", key: P256.Signing.PrivateKey()))
        guard case .envelope(let envelope) = secret.content else { Issue.record("not an envelope"); return }
        #expect(try SealedSecretUnsealer.open(envelope, dataKey: keyBytes) == Array("enveloped".utf8))
        let error = try #require(throws: SealedSecretError.self) { try SealedSecretUnsealer.open(envelope, dataKey: [UInt8](repeating: 7, count: 32)) }
        #expect(error.code == .decryption)
    }
}
