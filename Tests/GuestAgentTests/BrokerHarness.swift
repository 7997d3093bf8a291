import Attestation
import Crypto
import Foundation
import HermeticCore
import JOSE
import KeyBroker
import Storage
import Synchronization
import TestSupport

/// Sends client requests straight to a broker, as the HTTP server would.
struct InProcessTransport: KBSTransport {
    let broker: KeyBroker

    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        let full = path.hasPrefix("/kbs/v0/") ? String(path.dropFirst("/kbs/v0/".count)) : path
        let parts = full.split(separator: "?", maxSplits: 1).map(String.init)
        let response = await broker.handle(BrokerRequest(method: method, path: parts[0], query: parts.count > 1 ? parts[1] : "", headers: headers, body: body, client: "guest-test"))
        return KBSHTTPResponse(status: response.status, headers: Dictionary(response.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a }), body: response.body)
    }
}

/// A clock the test moves by hand, shared by the broker and the guest's session.
final class ManualClock: Sendable {
    private let time = Mutex(Date())
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

enum Shared {
    static let chip = Result { try FakeSNPChip(product: .milan) }
    static let adminKey = Curve25519.Signing.PrivateKey()
}

/// An in-process broker (SQLite store in a temporary file) with the verifiers a test registers.
struct BrokerHarness {
    let broker: KeyBroker
    let clock: ManualClock
    let adminToken: String

    static func make(register: (inout VerifierRegistry) throws -> Void = { _ in }) async throws -> BrokerHarness {
        var verifiers = VerifierRegistry(allowSample: true)
        verifiers.register(SNPAttestationVerifier(trustStore: try Shared.chip.get().trustStore))
        try register(&verifiers)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guest-broker-\(UUID().uuidString).sqlite").path
        let clock = ManualClock()
        let broker = try await KeyBroker(
            store: try SQLiteStore(path: path, kek: .generate()), configuration: BrokerConfiguration(), verifiers: verifiers,
            signer: await EARSigner(), admin: try await AdminAuthenticator(publicKeysPEM: [Shared.adminKey.publicKey.pemRepresentation]),
            clock: { clock.now }
        )
        return BrokerHarness(broker: broker, clock: clock, adminToken: try await AdminToken.make(privateKeyPEM: Shared.adminKey.pemRepresentation))
    }

    var client: KBSClient { KBSClient(transport: InProcessTransport(broker: broker)) }

    func store(_ path: String, _ value: [UInt8]) async throws {
        try await client.setResource(path, value: value, adminToken: adminToken)
    }

    func allowAll() async throws {
        try await client.setResourcePolicy(rego: "package policy\nallow := true", adminToken: adminToken)
    }

    func session(_ source: any EvidenceSource, initData: String? = nil) -> KBSSession {
        KBSSession(client: client, evidence: source, initDataTOML: initData, clock: { [clock] in clock.now })
    }
}
