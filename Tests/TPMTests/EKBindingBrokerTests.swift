import Attestation
import Crypto
import Foundation
import HermeticCore
import JOSE
import KeyBroker
import PKI
import Storage
import Testing
import TestSupport
@testable import TPM

/// A guest with a TPM speaking RCAR to a broker in process: auth with the EK certificate and AK, activation of the
/// challenge's credential, a quote over the runtime-data digest, attest.
struct EKBoundGuest {
    let activation: CredentialActivation
    let teeKey = PrivateJWK.generateEC().publicJWK

    struct Answer {
        let status: Int
        let body: String
        var json: JSONValue? { try? JSONValue(parsing: Array(body.utf8)) }
    }

    static func send(_ broker: KeyBroker, _ path: String, _ body: JSONValue, cookie: String? = nil) async -> (Answer, String?) {
        var headers = ["content-type": "application/json"]
        if let cookie { headers["cookie"] = "kbs-session-id=\(cookie)" }
        let response = await broker.handle(BrokerRequest(method: "POST", path: path, headers: headers, body: Array(body.serialized().utf8), client: "test"))
        let setCookie = response.headers.first { $0.0.lowercased() == "set-cookie" }?.1
        let session = setCookie?.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init)
        return (Answer(status: response.status, body: String(decoding: response.body, as: UTF8.self)), session)
    }

    /// auth; returns the answer, the session and the challenge.
    func auth(_ broker: KeyBroker, ekCertificate: [UInt8]?, akPublic: PublicArea? = nil) async throws -> (Answer, String?, Challenge?) {
        var extra: [String: JSONValue] = [:]
        if let ekCertificate { extra[TPMEKBinding.ekCertificateMember] = .string(Base64.encode(ekCertificate)) }
        if ekCertificate != nil { extra[TPMEKBinding.akPublicMember] = .string(Base64.encode((akPublic ?? activation.ak.publicArea).sizedBytes)) }
        // Without EK binding, extra-params is what Trustee's guest-components sends: the JSON string "".
        let params: JSONValue = ekCertificate == nil ? .string("") : .object(extra)
        let (answer, session) = await Self.send(broker, "auth", AuthRequest(version: "0.4.0", tee: "tpm", extraParams: params).json)
        return (answer, session, answer.json.flatMap { try? Challenge(json: $0) })
    }

    /// The credential in a challenge's extra-params.
    static func credential(_ challenge: Challenge) throws -> EncryptedCredential {
        let extra = try JSONValue(parsing: Array(challenge.extraParams.utf8))
        let blob = try #require(extra[TPMEKBinding.credentialBlobMember]?.stringValue.flatMap(Base64.decode))
        let secret = try #require(extra[TPMEKBinding.encryptedSecretMember]?.stringValue.flatMap(Base64.decode))
        return EncryptedCredential(credentialBlob: blob, secret: secret)
    }

    /// attest with a quote by `signer` (the bound AK by default) and `activated` as the activated credential.
    func attest(_ broker: KeyBroker, session: String, challenge: Challenge, activated: [UInt8]?, signer: TPMClient.LoadedKey? = nil) async throws -> Answer {
        let key = signer ?? activation.ak
        let runtime = AttestationRequest.runtimeData(nonce: challenge.nonce, key: teeKey, additionalEvidence: "")
        let digest = Array(SHA384.hash(data: Array(runtime.canonicalJSON().utf8)))
        let selection = try #require(PCRSelection(text: "sha256:0,16"))
        let quote = try activation.client.quote(key: key.handle, nonce: digest, selection: selection)
        let evidence = TPMEvidence(quotes: [TPMQuote(attest: try Attest(bytes: quote.attest), signature: quote.signature, pcrs: try activation.client.pcrRead(selection))],
                                   attestationKey: try AttestationKey(publicArea: key.publicArea))
        guard case .object(var members) = try evidence.hermeticJSON() else { throw TPMError(.malformedEvidence, "not an object") }
        if let activated { members[TPMEKBinding.activatedCredentialMember] = .string(Base64.encode(activated)) }
        let body = AttestationRequest.json(nonce: challenge.nonce, key: teeKey, primaryEvidence: .object(members))
        return await Self.send(broker, "attest", body, cookie: session).0
    }
}

@Suite("EK binding in the broker's RCAR flow, with swtpm_setup's EK certificate and a real swtpm",
       .enabled(if: SwtpmHarness.available && SwtpmHarness.tool("swtpm_setup") != nil,
                "skipped: swtpm, swtpm_setup or tpm2-tools is missing (apt-get install swtpm swtpm-tools tpm2-tools; .ci/run installs them)"),
       .serialized, .timeLimit(.minutes(3)))
struct EKBindingBrokerTests {
    static func tpm() throws -> (SwtpmHarness, CredentialActivation) {
        let swtpm = try SwtpmHarness(ekCertificates: true)
        try swtpm.transport.powerOn()
        let client = TPMClient(transport: swtpm.transport)
        try client.startup()
        return (swtpm, try CredentialActivation(client: client))
    }

    static func roots(_ swtpm: SwtpmHarness) throws -> EKBindingVerifier {
        try EKBindingVerifier(files: [
            ("root", [UInt8](try Data(contentsOf: swtpm.localCA.root))), ("intermediate", [UInt8](try Data(contentsOf: swtpm.localCA.intermediate))),
        ])
    }

    static func broker(_ verifier: EKBindingVerifier, required: Bool, storePath: String? = nil, trustedAKs: [AttestationKey] = []) async throws -> KeyBroker {
        var verifiers = VerifierRegistry(allowSample: false)
        verifiers.register(TPMAttestationVerifier(trust: AKTrust(keys: trustedAKs)))
        var configuration = BrokerConfiguration()
        configuration.tpmEKBinding = TPMEKBinding(verifier: verifier, required: required)
        let path = storePath ?? FileManager.default.temporaryDirectory.appendingPathComponent("ekbind-\(UUID().uuidString).sqlite").path
        return try await KeyBroker(store: try SQLiteStore(path: path, kek: .generate()), configuration: configuration, verifiers: verifiers,
                                   signer: await EARSigner(), admin: try await AdminAuthenticator(publicKeysPEM: []))
    }

    @Test("EK certificate → credential → activation → quote → token; the attest step is served by a second broker on the same store")
    func fullFlow() async throws {
        let (swtpm, guestTPM) = try Self.tpm()
        defer { guestTPM.flush(); swtpm.stop() }
        let guest = EKBoundGuest(activation: guestTPM)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ekbind-\(UUID().uuidString).sqlite").path
        let first = try await Self.broker(try Self.roots(swtpm), required: true, storePath: path)
        let replica = try await Self.broker(try Self.roots(swtpm), required: true, storePath: path)

        let certificate = try #require(guestTPM.ekCertificate)
        let (answer, session, challenge) = try await guest.auth(first, ekCertificate: certificate)
        #expect(answer.status == 200, "\(answer.body)")
        let issued = try #require(challenge)
        let secret = try guestTPM.activate(try EKBoundGuest.credential(issued))
        #expect(secret.count == 32)
        let sessionID = try #require(session)
        let stored = try #require(try await SQLiteStore(path: path, kek: .generate()).session(id: sessionID))
        #expect(stored.binding?.contains(Hex.encode(guestTPM.ak.name)) == true)
        #expect(stored.binding?.contains(Base64.encode(secret)) == false && stored.binding?.contains(Hex.encode(secret)) == false,
                "the store keeps a digest of the secret, not the secret")

        let attested = try await guest.attest(replica, session: sessionID, challenge: issued, activated: secret)
        #expect(attested.status == 200, "\(attested.body)")
        let token = try #require(attested.json?["token"]?.stringValue)
        #expect(token.split(separator: ".").count == 3)
    }

    @Test("refused: an AK another TPM holds (it cannot activate; a guessed secret is wrong), a quote by another AK, a tampered credential")
    func unboundAK() async throws {
        let (swtpm, guestTPM) = try Self.tpm()
        defer { guestTPM.flush(); swtpm.stop() }
        let (otherSwtpm, otherTPM) = try Self.tpm()
        defer { otherTPM.flush(); otherSwtpm.stop() }
        let broker = try await Self.broker(try Self.roots(swtpm), required: true)
        let certificate = try #require(guestTPM.ekCertificate)

        // The EK certificate of one TPM with the AK of another: the TPM holding the AK cannot activate.
        let thief = EKBoundGuest(activation: otherTPM)
        let (_, session, challenge) = try await thief.auth(broker, ekCertificate: certificate)
        let issued = try #require(challenge)
        #expect(throws: TPMError.self) { try otherTPM.activate(try EKBoundGuest.credential(issued)) }
        let guessed = try await thief.attest(broker, session: try #require(session), challenge: issued, activated: SecureRandom.bytes(32))
        #expect(guessed.status != 200)
        #expect(guessed.body.contains("activated credential is wrong"), "\(guessed.body)")

        // The right TPM activates, but quotes with an AK other than the one bound at auth.
        let guest = EKBoundGuest(activation: guestTPM)
        let (_, session2, challenge2) = try await guest.auth(broker, ekCertificate: certificate)
        let issued2 = try #require(challenge2)
        let secret = try guestTPM.activate(try EKBoundGuest.credential(issued2))
        let otherAK = try guestTPM.client.createPrimary(.akECC)
        defer { try? guestTPM.client.flushContext(otherAK.handle) }
        let swapped = try await guest.attest(broker, session: try #require(session2), challenge: issued2, activated: secret, signer: otherAK)
        #expect(swapped.status != 200)
        #expect(swapped.body.contains("not the AK bound at auth"), "\(swapped.body)")

        // A missing activated credential.
        let (_, session3, challenge3) = try await guest.auth(broker, ekCertificate: certificate)
        let missing = try await guest.attest(broker, session: try #require(session3), challenge: try #require(challenge3), activated: nil)
        #expect(missing.body.contains(TPMEKBinding.activatedCredentialMember), "\(missing.body)")

        // A credential changed on the way: the TPM refuses it.
        let (_, _, challenge4) = try await guest.auth(broker, ekCertificate: certificate)
        let good = try EKBoundGuest.credential(try #require(challenge4))
        var blob = good.credentialBlob
        blob[blob.count - 1] ^= 0x80
        #expect(throws: TPMError.self) { try guestTPM.activate(EncryptedCredential(credentialBlob: blob, secret: good.secret)) }
    }

    @Test("refused at auth: an EK certificate from roots the broker does not trust, an EK certificate given as the AK, no EK certificate when required")
    func refusedAtAuth() async throws {
        let (swtpm, guestTPM) = try Self.tpm()
        defer { guestTPM.flush(); swtpm.stop() }
        let guest = EKBoundGuest(activation: guestTPM)
        let certificate = try #require(guestTPM.ekCertificate)
        // Another swtpm-localca (the sample's): same names, other keys.
        let otherRoots = try EKBindingVerifier(files: [
            ("ca_root.pem", try TPMSamples.bytes("swtpm-sample/ekcert-chain/ca_root.pem")),
            ("ca_intermediate.pem", try TPMSamples.bytes("swtpm-sample/ekcert-chain/ca_intermediate.pem")),
        ])
        let strangers = try await Self.broker(otherRoots, required: true)
        let (foreign, _, _) = try await guest.auth(strangers, ekCertificate: certificate)
        #expect(foreign.status != 200)
        #expect(foreign.body.contains("certificate_chain"), "\(foreign.body)")

        let broker = try await Self.broker(try Self.roots(swtpm), required: true)
        let (ekAsAK, _, _) = try await guest.auth(broker, ekCertificate: certificate, akPublic: guestTPM.ek.publicArea)
        #expect(ekAsAK.status != 200)
        #expect(ekAsAK.body.contains("restricted, fixedTPM signing key"), "\(ekAsAK.body)")

        let (unbound, _, _) = try await guest.auth(broker, ekCertificate: nil)
        #expect(unbound.status != 200)
        #expect(unbound.body.contains("EK binding is required"), "\(unbound.body)")
    }

    @Test("optional binding: an unmodified Trustee-style guest (no extra-params) still attests with an operator-trusted AK, and its challenge has empty extra-params")
    func optionalBinding() async throws {
        let (swtpm, guestTPM) = try Self.tpm()
        defer { guestTPM.flush(); swtpm.stop() }
        let guest = EKBoundGuest(activation: guestTPM)
        let broker = try await Self.broker(try Self.roots(swtpm), required: false, trustedAKs: [try AttestationKey(publicArea: guestTPM.ak.publicArea)])
        let (answer, session, challenge) = try await guest.auth(broker, ekCertificate: nil)
        #expect(answer.status == 200, "\(answer.body)")
        let issued = try #require(challenge)
        #expect(issued.extraParams == "")
        let attested = try await guest.attest(broker, session: try #require(session), challenge: issued, activated: nil)
        #expect(attested.status == 200, "\(attested.body)")

        let untrusting = try await Self.broker(try Self.roots(swtpm), required: false)
        let (_, session2, challenge2) = try await guest.auth(untrusting, ekCertificate: nil)
        let refused = try await guest.attest(untrusting, session: try #require(session2), challenge: try #require(challenge2), activated: nil)
        #expect(refused.status != 200, "without binding or a configured AK there is nothing to trust")
    }
}
