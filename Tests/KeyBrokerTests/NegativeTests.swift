import Attestation
import Crypto
import Foundation
import HermeticCore
import JOSE
import KeyBroker
import Testing
import TestSupport

/// An evidence source that binds a digest other than the one it is asked for.
struct MisbindingSource: EvidenceSource {
    var tee: TEE { .sample }
    func evidence(reportData: [UInt8]) async throws -> JSONValue {
        try await SampleEvidenceSource().evidence(reportData: Array(SHA384.hash(data: reportData)))
    }
}

/// Evidence from one TEE presented in a session opened for another.
struct MislabelledSource: EvidenceSource {
    let inner: any EvidenceSource
    let claimed: TEE
    var tee: TEE { claimed }
    func evidence(reportData: [UInt8]) async throws -> JSONValue { try await inner.evidence(reportData: reportData) }
}

@Suite("Key broker: refusals, each with a clear error and Trustee's status")
struct NegativeTests {
    func expectError(_ response: BrokerResponse, status: Int, variant: String, detail: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        let body = (try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))) ?? .null
        #expect(body["type"]?.stringValue == "https://github.com/confidential-containers/kbs/errors/\(variant)", "\(body)", sourceLocation: sourceLocation)
        if !detail.isEmpty {
            #expect(body["detail"]?.stringValue?.contains(detail) == true, "\(body)", sourceLocation: sourceLocation)
        }
    }

    /// Runs auth for the sample TEE and returns the session id from the cookie.
    func openSession(_ harness: Harness) async -> String {
        let auth = await harness.broker.handle(BrokerRequest(method: "POST", path: "auth", body: Array(#"{"version":"0.4.0","tee":"sample"}"#.utf8)))
        return auth.headers.first { $0.0 == "Set-Cookie" }.flatMap { KBSClient.sessionID(fromSetCookie: $0.1) } ?? ""
    }

    func clientError(_ body: () async throws -> Void) async -> KBSClientError? {
        do { try await body() } catch let error as KBSClientError { return error } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test("wrong protocol version, unknown TEE, and the sample TEE when not allowed")
    func authRefusals() async throws {
        let harness = try await Harness.make(allowSample: false)
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "auth", body: Array(#"{"version":"0.3.0","tee":"snp"}"#.utf8))),
                    status: 401, variant: "AttestationError", detail: "Protocol Version Mismatch")
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "auth", body: Array(#"{"version":"0.4.0","tee":"sev"}"#.utf8))),
                    status: 401, variant: "AttestationError", detail: "unknown tee")
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "auth", body: Array(#"{"version":"0.4.0","tee":"sample"}"#.utf8))),
                    status: 401, variant: "AttestationError", detail: "--allow-sample")
    }

    @Test("nonce reuse: a second attest in a session, and evidence bound to another session's nonce")
    func nonceReuse() async throws {
        let harness = try await Harness.make()
        let key = PrivateJWK.generateEC()
        let client = harness.client()
        let first = try await client.attest(evidence: SampleEvidenceSource(), key: key)
        // Replaying the same session: the nonce is spent.
        let runtime = AttestationRequest.runtimeData(nonce: first.nonce, key: key.publicJWK, additionalEvidence: "")
        let evidence = try await SampleEvidenceSource().evidence(reportData: Array(SHA384.hash(data: Array(runtime.canonicalJSON().utf8))))
        let body = AttestationRequest.json(nonce: first.nonce, key: key.publicJWK, primaryEvidence: evidence)
        let replay = await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", headers: ["Cookie": "kbs-session-id=\(first.sessionID)"], body: Array(body.serialized().utf8)))
        expectError(replay, status: 401, variant: "AttestationError", detail: "already been used")
        // The same evidence in a fresh session: the echoed nonce is not this session's.
        let cookie = await openSession(harness)
        let stale = await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", headers: ["Cookie": "kbs-session-id=\(cookie)"], body: Array(body.serialized().utf8)))
        expectError(stale, status: 401, variant: "AttestationError", detail: "nonce does not match")
    }

    @Test("an expired session, an expired token, a missing or unknown cookie")
    func expiry() async throws {
        var configuration = BrokerConfiguration()
        configuration.sessionLifetime = 60
        configuration.tokenLifetime = 120
        let harness = try await Harness.make(configuration: configuration)
        try await harness.store("default/key/1", "x")
        try await harness.client().setResourcePolicy(rego: "package policy\nallow := true", adminToken: harness.adminToken)
        let key = PrivateJWK.generateEC()
        let attested = try await harness.client().attest(evidence: SampleEvidenceSource(), key: key)
        harness.clock.advance(61)
        // The session (cookie) has expired, but the token still works as a Bearer token…
        #expect(try await harness.client().resource("default/key/1", attested: attested, key: key, bearer: true) == Array("x".utf8))
        let noToken = await clientError { _ = try await harness.client().resource("default/key/1", attested: attested, key: key) }
        #expect(noToken?.status == 401 && noToken?.variant == "TokenNotFound")
        // …until it expires too.
        harness.clock.advance(60)
        let expired = await clientError { _ = try await harness.client().resource("default/key/1", attested: attested, key: key, bearer: true) }
        #expect(expired?.status == 401 && expired?.variant == "TokenVerifierError" && expired?.detail.contains("expired") == true)
        // A session that expires before attest.
        let id = await openSession(harness)
        harness.clock.advance(61)
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", headers: ["Cookie": "kbs-session-id=\(id)"], body: Array("{}".utf8))),
                    status: 401, variant: "AttestationError", detail: "expired")
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", body: Array("{}".utf8))),
                    status: 401, variant: "AttestationError", detail: "no kbs-session-id cookie")
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", headers: ["Cookie": "kbs-session-id=00"], body: Array("{}".utf8))),
                    status: 401, variant: "AttestationError", detail: "unknown session")
        // A token signed by another broker's key is refused.
        let forged = try await EARSigner().sign(json: .object(["exp": .int(Int64(harness.clock.now.timeIntervalSince1970) + 100)]))
        let foreign = KBSClient.Attested(sessionID: "", token: forged, nonce: "")
        let refused = await clientError { _ = try await harness.client().resource("default/key/1", attested: foreign, key: key, bearer: true) }
        #expect(refused?.variant == "TokenVerifierError")
    }

    @Test("evidence for another TEE than the session's, and report data that does not bind the key")
    func bindingRefusals() async throws {
        let harness = try await Harness.make()
        let chip = try Shared.chip.get()
        // A session opened for snp, sample evidence sent.
        let wrongTEE = await clientError {
            _ = try await harness.client().attest(evidence: MislabelledSource(inner: SampleEvidenceSource(), claimed: .snp), key: PrivateJWK.generateEC())
        }
        #expect(wrongTEE?.status == 401 && wrongTEE?.detail.contains("snp evidence rejected") == true)
        // A session opened for sample, SNP evidence sent.
        let wrongTEE2 = await clientError {
            _ = try await harness.client().attest(evidence: MislabelledSource(inner: FakeSNPEvidenceSource(chip: chip), claimed: .sample), key: PrivateJWK.generateEC())
        }
        #expect(wrongTEE2?.status == 401 && wrongTEE2?.detail.contains("sample") == true)
        // Evidence whose report data is not the digest of this nonce and key.
        let unbound = await clientError { _ = try await harness.client().attest(evidence: MisbindingSource(), key: PrivateJWK.generateEC()) }
        #expect(unbound?.status == 401 && unbound?.detail.contains("report_data") == true)
        // SNP evidence from a chip whose roots the broker does not trust.
        let foreign = await clientError {
            _ = try await harness.client().attest(evidence: FakeSNPEvidenceSource(chip: try Shared.otherChip.get()), key: PrivateJWK.generateEC())
        }
        #expect(foreign?.status == 401 && foreign?.detail.contains("snp evidence rejected") == true)
        let records = try await harness.broker.store.auditRecords()
        #expect(records.filter { $0.eventJSON.contains("\"verdict\":\"failed\"") }.count == 4)
    }

    @Test("policy denial, missing resource, bad paths, unknown plugin, a tampered JWE")
    func resourceRefusals() async throws {
        let harness = try await Harness.make()
        try await harness.store("default/key/1", "x")
        let key = PrivateJWK.generateEC()
        try await harness.client().setResourcePolicy(rego: "package policy\ndefault allow := false", adminToken: harness.adminToken)
        let attested = try await harness.client().attest(evidence: SampleEvidenceSource(), key: key)
        let denied = await clientError { _ = try await harness.client().resource("default/key/1", attested: attested, key: key) }
        #expect(denied?.status == 401 && denied?.variant == "PolicyDeny")
        try await harness.client().setResourcePolicy(rego: "package policy\nallow if data[\"resource-path\"][2] == \"1\"", adminToken: harness.adminToken)
        #expect(try await harness.client().resource("default/key/1", attested: attested, key: key) == Array("x".utf8))
        let missing = await clientError { _ = try await harness.client().resource("default/key/9", attested: attested, key: key) }
        #expect(missing?.status == 401 && missing?.variant == "PolicyDeny")
        try await harness.client().setResourcePolicy(rego: "package policy\nallow := true", adminToken: harness.adminToken)
        let notFound = await clientError { _ = try await harness.client().resource("default/key/9", attested: attested, key: key) }
        #expect(notFound?.status == 401 && notFound?.variant == "PluginInternalError" && notFound?.detail.contains("not found") == true)
        for bad in ["a/b", "a/b/c/d", ".a/b/c", "a/b/c%2F"] {
            expectError(await harness.broker.handle(BrokerRequest(method: "GET", path: "resource/\(bad)", headers: ["Authorization": "Bearer \(attested.token)"])),
                        status: 404, variant: "InvalidRequestPath")
        }
        expectError(await harness.broker.handle(BrokerRequest(method: "GET", path: "nebula-ca/x")), status: 404, variant: "PluginNotFound")
        expectError(await harness.broker.handle(BrokerRequest(method: "GET", path: "auth")), status: 404, variant: "InvalidRequestPath")
        // The guest authenticates its own re-serialisation of the header: members re-ordered in transit change
        // nothing, a member added in transit makes the JWE fail, as does any flipped byte of the ciphertext.
        let jwe = try await harness.client().encryptedResource("default/key/1", attested: attested)
        let header = String(decoding: Base64.decode(jwe.protected) ?? [], as: UTF8.self)
        var reordered = jwe
        reordered.protected = Base64.encodeURL(Array(header.replacingOccurrences(of: #"{"alg":"ECDH-ES+A256KW","enc":"A256GCM","#, with: #"{"enc":"A256GCM","alg":"ECDH-ES+A256KW","#).utf8))
        #expect(reordered.protected != jwe.protected)
        #expect(try JWE.decrypt(reordered, with: key) == Array("x".utf8))
        var extended = jwe
        extended.protected = Base64.encodeURL(Array(header.replacingOccurrences(of: #""enc":"A256GCM","#, with: #""enc":"A256GCM","kid":"k","#).utf8))
        #expect(throws: JOSEError(.decryptionFailed, "")) { try JWE.decrypt(extended, with: key) }
        var flipped = jwe
        var ciphertext = Base64.decode(jwe.ciphertext) ?? []
        ciphertext[0] ^= 1
        flipped.ciphertext = Base64.encodeURL(ciphertext)
        #expect(throws: JOSEError(.decryptionFailed, "")) { try JWE.decrypt(flipped, with: key) }
    }

    @Test("oversized body and malformed JSON at every endpoint that reads one")
    func malformedBodies() async throws {
        var configuration = BrokerConfiguration()
        configuration.maxBodyBytes = 1024
        let harness = try await Harness.make(configuration: configuration)
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "auth", body: [UInt8](repeating: 0x20, count: 2048))),
                    status: 413, variant: "HTTPFailed", detail: "exceeds the limit")
        let cookie = await openSession(harness)
        let admin = ["Authorization": "Bearer \(harness.adminToken)", "Cookie": "kbs-session-id=\(cookie)"]
        for path in ["auth", "attest", "attestation-policy", "resource-policy", "reference-value"] {
            for body in ["{", "", "[1,2]", "\"x\"", "{\"version\":1}"] {
                // The first attest request of a session consumes its nonce, well-formed or not: each gets a fresh one.
                let headers = path == "attest" ? ["Cookie": "kbs-session-id=\(await openSession(harness))"] : admin
                let response = await harness.broker.handle(BrokerRequest(method: "POST", path: path, headers: headers, body: Array(body.utf8)))
                #expect(response.status == 401, "\(path) \(body)")
                let json = try JSONDecoder().decode(JSONValue.self, from: Data(response.body))
                #expect(json["type"]?.stringValue?.hasSuffix("SerdeError") == true || json["type"]?.stringValue?.hasSuffix("RvpsError") == true, "\(path) \(body): \(json)")
            }
        }
        // A tee-pubkey that is not a key, in an otherwise well-formed attestation.
        let bad = #"{"runtime-data":{"nonce":"n","tee-pubkey":{"kty":"EC","crv":"P-256","alg":"ECDH-ES+A256KW","x":"AQ","y":"AQ"}},"tee-evidence":{"primary_evidence":{}}}"#
        let cookie2 = await openSession(harness)
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", headers: ["Cookie": "kbs-session-id=\(cookie2)"], body: Array(bad.utf8))),
                    status: 401, variant: "SerdeError", detail: "tee-pubkey")
        // That request used the session's nonce: a corrected one needs a new challenge.
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", headers: ["Cookie": "kbs-session-id=\(cookie2)"], body: Array(bad.utf8))),
                    status: 401, variant: "AttestationError", detail: "already been used")
        // A policy that does not compile is refused before it is stored.
        let policy = #"{"policy":"\#(Base64.encodeURL(Array("package policy\nallow if {".utf8)))"}"#
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "resource-policy", headers: admin, body: Array(policy.utf8))),
                    status: 401, variant: "ParsePolicyError")
    }

    @Test("admin calls: no token, a wrong key, an expired token, a wrong role, no key configured, the insecure switch")
    func adminRefusals() async throws {
        let harness = try await Harness.make()
        let set = { (headers: [String: String]) in
            await harness.broker.handle(BrokerRequest(method: "POST", path: "resource/default/key/1", headers: headers, body: [1]))
        }
        expectError(await set([:]), status: 401, variant: "AdminAuthInitialization", detail: "without an Authorization")
        let otherKey = Curve25519.Signing.PrivateKey()
        let wrong = try await AdminToken.make(privateKeyPEM: otherKey.pemRepresentation)
        expectError(await set(["Authorization": "Bearer \(wrong)"]), status: 401, variant: "AdminAuthInitialization", detail: "not signed by a configured admin key")
        let expired = try await AdminToken.make(privateKeyPEM: Shared.adminKey.pemRepresentation, lifetime: -10)
        expectError(await set(["Authorization": "Bearer \(expired)"]), status: 401, variant: "AdminAuthInitialization")
        let role = try await AdminToken.make(privateKeyPEM: Shared.adminKey.pemRepresentation, role: "reader")
        expectError(await set(["Authorization": "Bearer \(role)"]), status: 401, variant: "AdminAuthInitialization", detail: "role")
        expectError(await harness.broker.handle(BrokerRequest(method: "POST", path: "resource-policy", body: Array("{}".utf8))),
                    status: 401, variant: "AdminAuthAccess")
        #expect(await set(["Authorization": "Bearer \(harness.adminToken)"]).status == 200)
        // ES256 admin keys work too.
        let p256 = P256.Signing.PrivateKey()
        let es = try await Harness.make(adminKeys: [p256.publicKey.pemRepresentation])
        let esToken = try await AdminToken.make(privateKeyPEM: p256.pemRepresentation)
        #expect(await es.broker.handle(BrokerRequest(method: "POST", path: "resource/a/b/c", headers: ["Authorization": "Bearer \(esToken)"], body: [1])).status == 200)
        // No key configured: everything refused, even with a token…
        let none = try await Harness.make(adminKeys: [])
        expectError(await none.broker.handle(BrokerRequest(method: "POST", path: "resource/a/b/c", headers: ["Authorization": "Bearer \(harness.adminToken)"], body: [1])),
                    status: 401, variant: "AdminAuthInitialization", detail: "no admin public key is configured")
        // …unless the explicit insecure switch is set.
        let insecure = try await KeyBroker(
            store: none.broker.store, verifiers: VerifierRegistry(allowSample: true), signer: await EARSigner(),
            admin: try await AdminAuthenticator(publicKeysPEM: [], insecure: true)
        )
        #expect(await insecure.handle(BrokerRequest(method: "POST", path: "resource/a/b/c", body: [1])).status == 200)
        await #expect(throws: KBSError.self) { try await AdminAuthenticator(publicKeysPEM: ["not a key"]) }
    }

    @Test("the live-session limit refuses auth with 503 until sessions expire")
    func sessionLimit() async throws {
        var configuration = BrokerConfiguration()
        configuration.maxLiveSessions = 2
        configuration.sessionLifetime = 10
        let harness = try await Harness.make(configuration: configuration)
        let auth = BrokerRequest(method: "POST", path: "auth", body: Array(#"{"version":"0.4.0","tee":"sample"}"#.utf8))
        #expect(await harness.broker.handle(auth).status == 200)
        #expect(await harness.broker.handle(auth).status == 200)
        expectError(await harness.broker.handle(auth), status: 503, variant: "HTTPFailed", detail: "too many live sessions")
        harness.clock.advance(11)
        #expect(await harness.broker.handle(auth).status == 200)
    }
}
