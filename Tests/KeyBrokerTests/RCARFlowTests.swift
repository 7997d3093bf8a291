import Attestation
import Crypto
import Foundation
import HermeticCore
import JOSE
@testable import KeyBroker
import Storage
import Testing
import TestSupport

@Suite("Key broker: RCAR and resources, in process")
struct RCARFlowTests {
    @Test("every protocol version and key type: auth, attest, fetch, decrypt (sample TEE, affirming policy)")
    func versionsAndKeys() async throws {
        let harness = try await Harness.make()
        try await harness.store("default/key/1", "s3cr3t")
        try await harness.client().setResourcePolicy(rego: DefaultPolicies.affirming, adminToken: harness.adminToken)
        try await harness.client().setReferenceValues(Harness.sampleReferenceValues, adminToken: harness.adminToken)
        let cases: [(ProtocolVersion, PrivateJWK)] = [
            (.v0_4_0, PrivateJWK.generateEC(.p256)), (.v0_4_0, PrivateJWK.generateEC(.p521)), (.v0_4_0, try Shared.rsaOAEP256.get()),
            (.v0_4_0, try Shared.rsa1_5.get()), (.v0_2_0, PrivateJWK.generateEC(.p256)), (.v0_2_0, try Shared.rsaOAEP256.get()),
            (.v0_1_1, try Shared.rsa1_5.get()),
        ]
        for (version, key) in cases {
            let client = harness.client(version)
            let attested = try await client.attest(evidence: SampleEvidenceSource(), key: key)
            #expect(attested.sessionID.count == 32)
            #expect(Base64.decode(attested.nonce)?.count == 32 && attested.nonce.hasSuffix("="))
            #expect(try await client.resource("default/key/1", attested: attested, key: key) == Array("s3cr3t".utf8), "\(version) \(key.algorithm)")
            if version != .v0_1_1 {
                #expect(try await client.resource("default/key/1", attested: attested, key: key, bearer: true) == Array("s3cr3t".utf8))
            }
        }
    }

    @Test("composite evidence (0.4.0): CPU and device each verified and bound; the device appraised by Trustee's default GPU policy")
    func compositeDevice() async throws {
        let harness = try await Harness.make()
        let key = PrivateJWK.generateEC()
        func sha384(_ value: JSONValue) -> [UInt8] { Array(SHA384.hash(data: Array(value.canonicalJSON().utf8))) }
        func attest(deviceBinding: (String) -> [UInt8]) async throws -> BrokerResponse {
            let auth = await harness.broker.handle(BrokerRequest(method: "POST", path: "auth", body: Array(#"{"version":"0.4.0","tee":"sample"}"#.utf8)))
            let cookie = auth.headers.first { $0.0 == "Set-Cookie" }.flatMap { KBSClient.sessionID(fromSetCookie: $0.1) } ?? ""
            let nonce = try JSONDecoder().decode(JSONValue.self, from: Data(auth.body))["nonce"]?.stringValue ?? ""
            let device = JSONValue.object(["svn": .string("7"), "report_data": .string(Base64.encode(deviceBinding(nonce)))])
            let additional = JSONValue.object(["sampledevice": device]).serialized()
            let runtime = AttestationRequest.runtimeData(nonce: nonce, key: key.publicJWK, additionalEvidence: additional)
            let evidence = try await SampleEvidenceSource().evidence(reportData: sha384(runtime))
            let body = AttestationRequest.json(nonce: nonce, key: key.publicJWK, primaryEvidence: evidence, additionalEvidence: additional)
            return await harness.broker.handle(BrokerRequest(method: "POST", path: "attest", headers: ["Cookie": "kbs-session-id=\(cookie)"], body: Array(body.serialized().utf8)))
        }
        // The device binds the nonce and the TEE key (without the additional evidence, which holds its own report).
        let bound = try await attest { nonce in sha384(AttestationRequest.runtimeData(nonce: nonce, key: key.publicJWK, additionalEvidence: nil)) }
        #expect(bound.status == 200, "\(String(decoding: bound.body, as: UTF8.self))")
        let token = try JSONDecoder().decode(JSONValue.self, from: Data(bound.body))["token"]?.stringValue ?? ""
        let claims = try await EARTokenVerifier(trusting: [harness.broker.signer.publicKey]).verify(token, at: harness.clock.now)
        let gpu0 = claims["submods"]?["gpu0"]
        #expect(gpu0?["ear.appraisal-policy-id"] == .string("default_gpu"))
        // Trustee's GPU policy recognises only NVIDIA evidence: a sample device stays unrecognised hardware (97).
        #expect(gpu0?["ear.trustworthiness-vector"]?["hardware"] == .int(97))
        #expect(gpu0?["ear.veraison.annotated-evidence"]?["sampledevice"]?["svn"] == .string("7"))
        #expect(claims["submods"]?["cpu0"]?["ear.appraisal-policy-id"] == .string("default_cpu"))
        // A device report bound to another nonce is refused, naming the device.
        let stale = try await attest { _ in sha384(AttestationRequest.runtimeData(nonce: "another", key: key.publicJWK, additionalEvidence: nil)) }
        #expect(stale.status == 401)
        #expect(String(decoding: stale.body, as: UTF8.self).contains("sampledevice"))
    }

    @Test("fake SNP chip: fresh evidence per nonce, the token carries Trustee's EAR layout, the default policy releases")
    func snpFlow() async throws {
        let harness = try await Harness.make(allowSample: false)
        let chip = try Shared.chip.get()
        try await harness.store("default/key/1", "snp-secret")
        try await harness.client().setReferenceValues(Harness.snpReferenceValues(chip), adminToken: harness.adminToken)
        let key = PrivateJWK.generateEC()
        let attested = try await harness.client().attest(evidence: FakeSNPEvidenceSource(chip: chip), key: key)
        #expect(try await harness.client().resource("default/key/1", attested: attested, key: key) == Array("snp-secret".utf8))
        let claims = try await EARTokenVerifier(trusting: [harness.broker.signer.publicKey]).verify(attested.token, at: harness.clock.now)
        let cpu0 = claims["submods"]?["cpu0"]
        #expect(cpu0?["ear.status"] == .string("affirming"))
        #expect(cpu0?["ear.trustworthiness-vector"]?["executables"] == .int(3))
        #expect(cpu0?["ear.trustworthiness-vector"]?["hardware"] == .int(2))
        #expect(cpu0?["ear.appraisal-policy-id"] == .string("default_cpu"))
        let evidence = cpu0?["ear.veraison.annotated-evidence"]
        #expect(evidence?["snp"]?["measurement"] == .string(Hex.encode([UInt8](repeating: 0xA5, count: 48))))
        #expect(evidence?["runtime_data_claims"]?["tee-pubkey"] == key.publicJWK.json)
        #expect(evidence?["runtime_data_claims"]?["nonce"] == .string(attested.nonce))
        #expect(evidence?["report_data"] != nil)
        #expect(claims["eat_profile"] == .string(EARClaims.profile))
        #expect(claims["iss"] == .string("CoCo-Attestation-Service"))
        // Without reference values the same evidence is contraindicated (hardware 97) but the default resource
        // policy, like Trustee's, does not look at the status.
        let records = try await harness.broker.store.auditRecords()
        #expect(records.contains { $0.eventJSON.contains("\"verdict\":\"released\"") && $0.eventJSON.contains("default/key/1") })
        #expect(!records.contains { $0.eventJSON.contains("snp-secret") })
        #expect(AuditChain.verify(records).isIntact)
    }

    @Test("the default resource policy refuses sample-TEE tokens, as Trustee's does")
    func defaultPolicyRefusesSample() async throws {
        let harness = try await Harness.make()
        try await harness.store("default/key/1", "x")
        let key = PrivateJWK.generateEC()
        let attested = try await harness.client().attest(evidence: SampleEvidenceSource(), key: key)
        let error = await #expect(throws: KBSClientError.self) { try await harness.client().resource("default/key/1", attested: attested, key: key) }
        #expect(error?.status == 401)
        #expect(error?.variant == "PolicyDeny")
        let records = try await harness.broker.store.auditRecords()
        #expect(records.last?.eventJSON.contains("\"verdict\":\"denied\"") == true)
    }

    @Test("the challenge is Trustee's: 32-byte padded nonce, extra-params the string \"\", cookie with Expires only")
    func challengeShape() async throws {
        let harness = try await Harness.make()
        let response = await harness.broker.handle(BrokerRequest(method: "POST", path: "auth", body: Array(#"{"version":"0.4.0","tee":"sample","extra-params":{}}"#.utf8)))
        #expect(response.status == 200)
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.contains(#""extra-params":"""#))
        let cookie = response.headers.first { $0.0 == "Set-Cookie" }?.1 ?? ""
        #expect(cookie.hasPrefix("kbs-session-id="))
        #expect(cookie.contains("; Expires=") && cookie.hasSuffix(" GMT"))
        #expect(!cookie.contains("Path") && !cookie.contains("HttpOnly"))
    }

    @Test("the cookie's Expires is an HTTP date (RFC 9110's example, and a single-digit day and hour)")
    func cookieDate() {
        #expect(KeyBroker.httpDate(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(KeyBroker.httpDate(Date(timeIntervalSince1970: 1_798_761_599.9)) == "Thu, 31 Dec 2026 23:59:59 GMT")
        #expect(KeyBroker.httpDate(Date(timeIntervalSince1970: 1_767_229_200)) == "Thu, 01 Jan 2026 01:00:00 GMT")
    }
}
