import Attestation
import Crypto
import Foundation
import HermeticCore
import HermeticServer
import JOSE
import KeyBroker
import Logging
import Storage
import Testing
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

enum Fixture {
    static let chip = Result { try FakeSNPChip(product: .genoa) }
    static let rsaOAEP256 = Result { try PrivateJWK.generateRSA(algorithm: .rsaOAEP256) }
    static let rsa1_5 = Result { try PrivateJWK.generateRSA(algorithm: .rsa1_5) }
}

/// A broker served by Hummingbird on a free loopback port for the duration of `body`.
func withServer(maxBody: Int = 2 * 1024 * 1024, _ body: (KeyBroker, URL, String) async throws -> Void) async throws {
    let adminKey = Curve25519.Signing.PrivateKey()
    var verifiers = VerifierRegistry(allowSample: true)
    verifiers.register(SNPAttestationVerifier(trustStore: try Fixture.chip.get().trustStore))
    var configuration = BrokerConfiguration()
    configuration.maxBodyBytes = maxBody
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("server-\(UUID().uuidString).sqlite").path
    let broker = try await KeyBroker(
        store: try SQLiteStore(path: path, kek: .generate()), configuration: configuration, verifiers: verifiers, signer: await EARSigner(),
        admin: try await AdminAuthenticator(publicKeysPEM: [adminKey.publicKey.pemRepresentation])
    )
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let server = try await BrokerServer(broker: broker, host: "127.0.0.1", port: 0, logger: logger).start()
    defer { server.stop() }
    try await body(broker, server.url, try await AdminToken.make(privateKeyPEM: adminKey.pemRepresentation))
}

func raw(_ url: URL, _ method: String, _ path: String, body: [UInt8] = [], headers: [String: String] = [:]) async throws -> (Int, String) {
    let response = try await URLSessionTransport(baseURL: url).send(method: method, path: path, headers: headers, body: body)
    return (response.status, String(decoding: response.body, as: UTF8.self))
}

@Suite("HTTP on loopback (Hummingbird)", .serialized)
struct LoopbackTests {
    @Test("every key type and protocol version, sample TEE and fake SNP: auth, attest, get-resource, decrypt over HTTP")
    func endToEnd() async throws {
        try await withServer { _, url, admin in
            let client = KBSClient(transport: URLSessionTransport(baseURL: url))
            try await client.setResource("default/key/1", value: Array("over-http".utf8), adminToken: admin)
            try await client.setResourcePolicy(rego: "package policy\nallow := true", adminToken: admin)
            let cases: [(ProtocolVersion, any EvidenceSource, PrivateJWK)] = [
                (.v0_4_0, SampleEvidenceSource(), PrivateJWK.generateEC(.p256)),
                (.v0_4_0, SampleEvidenceSource(), PrivateJWK.generateEC(.p521)),
                (.v0_4_0, SampleEvidenceSource(), try Fixture.rsaOAEP256.get()),
                (.v0_4_0, SampleEvidenceSource(), try Fixture.rsa1_5.get()),
                (.v0_4_0, FakeSNPEvidenceSource(chip: try Fixture.chip.get()), PrivateJWK.generateEC(.p256)),
                (.v0_2_0, SampleEvidenceSource(), PrivateJWK.generateEC(.p256)),
                (.v0_2_0, FakeSNPEvidenceSource(chip: try Fixture.chip.get()), try Fixture.rsaOAEP256.get()),
                (.v0_1_1, SampleEvidenceSource(), try Fixture.rsa1_5.get()),
            ]
            for (version, source, key) in cases {
                let guest = KBSClient(transport: URLSessionTransport(baseURL: url), version: version)
                let attested = try await guest.attest(evidence: source, key: key)
                #expect(try await guest.resource("default/key/1", attested: attested, key: key) == Array("over-http".utf8), "\(version) \(source.tee) \(key.algorithm)")
            }
        }
    }

    @Test("healthz, metrics with Trustee's names, JWKS that verifies the issued tokens")
    func operations() async throws {
        try await withServer { broker, url, _ in
            #expect(try await raw(url, "GET", "/healthz") == (200, "ok\n"))
            let client = KBSClient(transport: URLSessionTransport(baseURL: url))
            let attested = try await client.attest(evidence: SampleEvidenceSource(), key: PrivateJWK.generateEC())
            let (status, metrics) = try await raw(url, "GET", "/metrics")
            #expect(status == 200)
            #expect(metrics.contains("kbs_attestation_successes_total{tee_type=\"sample\"} 1"))
            #expect(metrics.contains("kbs_auth_requests_total 1\n"))
            #expect(metrics.contains("kbs_auth_successes_total 1\n"))
            #expect(metrics.contains("kbs_attestation_requests_total 1\n"))
            // Trustee's histograms: request durations and body sizes, one observation per request so far.
            #expect(metrics.contains("# TYPE kbs_http_request_duration_seconds histogram"))
            #expect(metrics.contains("kbs_http_request_duration_seconds_count 2\n"), "\(metrics)")
            #expect(metrics.contains("kbs_http_request_size_bytes_bucket{le=\"+Inf\"} 2\n"))
            #expect(metrics.contains("# HELP kbs_http_requests_total Total HTTP requests count"))
            let (jwksStatus, jwks) = try await raw(url, "GET", "/.well-known/jwks.json")
            #expect(jwksStatus == 200)
            let key = try JSONDecoder().decode(JSONValue.self, from: Data(jwks.utf8))["keys"]?.arrayValue?.first
            let x = Base64.decode(key?["x"]?.stringValue ?? "") ?? [], y = Base64.decode(key?["y"]?.stringValue ?? "") ?? []
            let publicKey = try P256.Signing.PublicKey(x963Representation: [4] + x + y)
            #expect(publicKey.rawRepresentation == broker.signer.publicKey.rawRepresentation)
            _ = try await EARTokenVerifier(trusting: [publicKey]).verify(attested.token, at: Date())
            #expect(try await raw(url, "GET", "/nope").0 == 404)
            // The audit record names the client's address and port.
            let records = try await broker.store.auditRecords()
            #expect(records.contains { $0.eventJSON.contains(#""client":"127.0.0.1:"#) }, "\(records.map(\.eventJSON))")
        }
    }

    @Test("malformed JSON at every endpoint and an oversized body, over HTTP: ErrorInformation, right status, server still up")
    func hostileInput() async throws {
        try await withServer(maxBody: 4096) { _, url, admin in
            for path in ["auth", "attest", "attestation-policy", "resource-policy", "reference-value"] {
                let (status, body) = try await raw(url, "POST", "/kbs/v0/\(path)", body: Array("{\"a\":".utf8), headers: ["Authorization": "Bearer \(admin)"])
                #expect(status == 401, "\(path)")
                #expect(body.contains("https://github.com/confidential-containers/kbs/errors/"), "\(path): \(body)")
            }
            let (status, body) = try await raw(url, "POST", "/kbs/v0/auth", body: [UInt8](repeating: 0x7B, count: 100_000))
            #expect(status == 413)
            #expect(body.contains("exceeds the limit"))
            let (noAdmin, _) = try await raw(url, "POST", "/kbs/v0/resource/a/b/c", body: [1])
            #expect(noAdmin == 401)
            #expect(try await raw(url, "GET", "/healthz").0 == 200)
        }
    }
}
