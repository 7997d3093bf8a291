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
        let response = await broker.handle(BrokerRequest(method: method, path: parts[0], query: parts.count > 1 ? parts[1] : "", headers: headers, body: body, client: "test"))
        return KBSHTTPResponse(status: response.status, headers: Dictionary(response.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a }), body: response.body)
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let time = Mutex(Date())
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Shared fixtures: fake chips and RSA keys are slow to make.
enum Shared {
    static let chip = Result { try FakeSNPChip(product: .milan) }
    static let otherChip = Result { try FakeSNPChip(product: .milan) }
    static let rsaOAEP256 = Result { try PrivateJWK.generateRSA(algorithm: .rsaOAEP256) }
    static let rsa1_5 = Result { try PrivateJWK.generateRSA(algorithm: .rsa1_5) }
    static let adminKey = Curve25519.Signing.PrivateKey()
}

struct Harness {
    let broker: KeyBroker
    let clock: TestClock
    let adminToken: String
    let storePath: String

    static func make(allowSample: Bool = true, configuration: BrokerConfiguration = BrokerConfiguration(), adminKeys: [String]? = nil, roles: AdminRoles = .defaults) async throws -> Harness {
        var verifiers = VerifierRegistry(allowSample: allowSample)
        verifiers.register(SNPAttestationVerifier(trustStore: try Shared.chip.get().trustStore))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broker-\(UUID().uuidString).sqlite").path
        let clock = TestClock()
        let adminPEM = Shared.adminKey.publicKey.pemRepresentation
        let broker = try await KeyBroker(
            store: try SQLiteStore(path: path, kek: .generate()), configuration: configuration, verifiers: verifiers,
            signer: await EARSigner(), admin: try await AdminAuthenticator(publicKeysPEM: adminKeys ?? [adminPEM], roles: roles), clock: { clock.now }
        )
        let token = try await AdminToken.make(privateKeyPEM: Shared.adminKey.pemRepresentation)
        return Harness(broker: broker, clock: clock, adminToken: token, storePath: path)
    }

    func client(_ version: ProtocolVersion = .v0_4_0) -> KBSClient {
        KBSClient(transport: InProcessTransport(broker: broker), version: version)
    }

    /// Reference values under which the sample TEE's claims are affirming with Trustee's default CPU policy.
    static let sampleReferenceValues: [String: JSONValue] = [
        "launch_digest": .array([.string("abcde")]), "svn": .array([.string("1")]),
        "major_version": .int(1), "minimum_minor_version": .int(0),
    ]

    /// Reference values under which the fake chip's claims are affirming.
    static func snpReferenceValues(_ chip: FakeSNPChip) -> [String: JSONValue] { chip.trusteeReferenceValues }

    func store(_ path: String, _ value: String) async throws {
        try await client().setResource(path, value: Array(value.utf8), adminToken: adminToken)
    }
}
