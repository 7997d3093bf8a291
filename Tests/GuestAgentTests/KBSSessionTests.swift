import Crypto
import Foundation
import HermeticCore
import HermeticServer
import KBSClient
import KeyBroker
import Logging
import Testing

@Suite("KBS session: token cache, re-attestation, resources, over the in-process broker and over HTTP")
struct KBSSessionTests {
    @Test("the token is reused until shortly before exp, then RCAR runs again")
    func tokenReuseAndExpiry() async throws {
        let harness = try await BrokerHarness.make()
        try await harness.allowAll()
        try await harness.store("default/key/1", Array("first".utf8))
        let session = harness.session(SampleEvidenceSource())
        #expect(try await session.resource("default/key/1") == Array("first".utf8))
        #expect(try await session.resource("default/key/1") == Array("first".utf8))
        #expect(await session.attestations == 1, "the second fetch reuses the token")
        let token = try AttestationToken(jwt: try await session.attested().token)
        let expiry = try #require(token.expiry)
        harness.clock.advance(expiry.timeIntervalSince(harness.clock.now) - 10)
        #expect(try await session.resource("default/key/1") == Array("first".utf8))
        #expect(await session.attestations == 2, "10 s before exp is inside the 30 s margin: a fresh attestation")
    }

    @Test("a token the broker refuses (expired by the broker's clock) re-runs RCAR once and the fetch succeeds")
    func refusedTokenReattests() async throws {
        let harness = try await BrokerHarness.make()
        try await harness.allowAll()
        try await harness.store("default/key/1", Array("v".utf8))
        let guestClock = ManualClock()
        let session = KBSSession(client: harness.client, evidence: SampleEvidenceSource(), clock: { guestClock.now })
        _ = try await session.attested()
        harness.clock.advance(3600)
        #expect(try await session.resource("default/key/1") == Array("v".utf8))
        #expect(await session.attestations == 2)
    }

    @Test("a resource the policy denies is refused with PolicyDeny, without a retry loop")
    func deniedResource() async throws {
        let harness = try await BrokerHarness.make()
        try await harness.client.setResourcePolicy(rego: """
            package policy
            default allow := false
            allow if { input["submods"]["cpu0"]; data["resource-path"][0] == "open" }
            """, adminToken: harness.adminToken)
        try await harness.store("open/key/1", Array("yes".utf8))
        try await harness.store("closed/key/1", Array("no".utf8))
        let session = harness.session(SampleEvidenceSource())
        #expect(try await session.resource("open/key/1") == Array("yes".utf8))
        let error = try await #require(throws: KBSClientError.self) { try await session.resource("closed/key/1") }
        #expect(error.variant == "PolicyDeny")
        #expect(!error.isTokenRefusal)
        #expect(await session.attestations == 1)
    }

    @Test("an unknown resource is an error naming it, not a crash; init-data travels with the attestation")
    func unknownResourceAndInitData() async throws {
        let harness = try await BrokerHarness.make()
        try await harness.allowAll()
        let session = harness.session(SampleEvidenceSource(), initData: "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n")
        let error = try await #require(throws: KBSClientError.self) { try await session.resource("default/none/here") }
        #expect(error.status == 401 || error.status == 404)
    }

    @Test("HTTPTransport (SwiftNIO) speaks to the Hummingbird broker over loopback: RCAR, resource, a refusal")
    func overHTTP() async throws {
        let harness = try await BrokerHarness.make()
        try await harness.allowAll()
        try await harness.store("default/key/http", Array("over-nio".utf8))
        var logger = Logger(label: "guest-test")
        logger.logLevel = .critical
        let server = try await BrokerServer(broker: harness.broker, host: "127.0.0.1", port: 0, logger: logger).start()
        defer { server.stop() }
        let transport = try HTTPTransport(url: "http://127.0.0.1:\(server.port)")
        let session = KBSSession(client: KBSClient(transport: transport), evidence: SampleEvidenceSource(), clock: { harness.clock.now })
        #expect(try await session.resource("default/key/http") == Array("over-nio".utf8))
        let error = try await #require(throws: KBSClientError.self) { try await session.resource("default/key/missing") }
        #expect(error.status == 401 || error.status == 404)
        let closed = HTTPTransport(host: "127.0.0.1", port: 1)
        await #expect(throws: (any Error).self) { _ = try await closed.send(method: "GET", path: "/kbs/v0/auth", headers: [:], body: []) }
    }

    @Test("broker URLs: http://host[:port] accepted, others refused with a message")
    func urls() throws {
        let plain = try HTTPTransport(url: "http://10.0.2.100")
        #expect(plain.host == "10.0.2.100" && plain.port == 80)
        let withPort = try HTTPTransport(url: "http://127.0.0.1:8080/")
        #expect(withPort.port == 8080)
        for bad in ["https://kbs", "http://", "http://h:0", "http://h:x", "http://h/path", "ftp://h"] {
            #expect(throws: KBSClientError.self, "\(bad)") { try HTTPTransport(url: bad) }
        }
    }
}
