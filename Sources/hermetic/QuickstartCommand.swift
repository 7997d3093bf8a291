import ArgumentParser
import Attestation
import Crypto
import Foundation
import HermeticCore
import HermeticServer
import JOSE
import KeyBroker
import Logging
import Storage
import TestSupport

/// `hermetic quickstart`: the whole main job on loopback, for a newcomer.
struct QuickstartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quickstart",
        abstract: "Start a broker on a temporary SQLite file, store a secret, attest over HTTP (sample TEE and a fake SEV-SNP chip), fetch and decrypt, print the verdicts and the audit log, stop.",
        discussion: "Nothing persists: the store, the key-encryption key, the admin key and the fake chip are temporary. The sample TEE is enabled for this demonstration only."
    )

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-quickstart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storePath = directory.appendingPathComponent("kbs.sqlite").path

        say("1. A temporary broker: SQLite at \(storePath), a fresh key-encryption key, a fresh Ed25519 admin key.")
        let adminKey = Curve25519.Signing.PrivateKey()
        let chip = try FakeSNPChip(product: .milan)
        var verifiers = VerifierRegistry(allowSample: true)
        verifiers.register(SNPAttestationVerifier(trustStore: chip.trustStore))
        let broker = try await KeyBroker(
            store: try SQLiteStore(path: storePath, kek: .generate()), verifiers: verifiers, signer: await EARSigner(),
            admin: try await AdminAuthenticator(publicKeysPEM: [adminKey.publicKey.pemRepresentation])
        )
        var logger = Logger(label: "hermetic.quickstart")
        logger.logLevel = .warning
        let server = try await BrokerServer(broker: broker, host: "127.0.0.1", port: 0, logger: logger).start()
        defer { server.stop() }
        say("   listening on \(server.url)")
        let client = KBSClient(transport: URLSessionTransport(baseURL: server.url))
        let admin = try await AdminToken.make(privateKeyPEM: adminKey.pemRepresentation)

        say("2. Admin (Bearer JWT): store the secret default/quickstart/secret, reference values, and a resource policy that releases to affirming guests.")
        let secret = "correct horse battery staple"
        try await client.setResource("default/quickstart/secret", value: Array(secret.utf8), adminToken: admin)
        try await client.setReferenceValues([
            "launch_digest": .array([.string("abcde")]), "svn": .array([.string("1")]), "major_version": .int(1), "minimum_minor_version": .int(0),
        ].merging(chip.trusteeReferenceValues) { $1 }, adminToken: admin)
        try await client.setResourcePolicy(rego: DefaultPolicies.affirming, adminToken: admin)

        let guests: [(String, any EvidenceSource, PrivateJWK)] = [
            ("sample TEE (development only), P-256 key", SampleEvidenceSource(), PrivateJWK.generateEC(.p256)),
            ("fake SEV-SNP chip (real report layout, test roots), P-521 key", FakeSNPEvidenceSource(chip: chip), PrivateJWK.generateEC(.p521)),
        ]
        let verifier = await EARTokenVerifier(trusting: [broker.signer.publicKey])
        for (index, (name, source, key)) in guests.enumerated() {
            say("\(index + 3). Guest on the \(name): auth → attest → get-resource over HTTP.")
            let attested = try await client.attest(evidence: source, key: key)
            let claims = try await verifier.verify(attested.token, at: Date())
            let cpu0 = claims["submods"]?["cpu0"]
            say("   EAR verdict: \(cpu0?["ear.status"]?.stringValue ?? "?")  trust vector: \(cpu0?["ear.trustworthiness-vector"]?.serialized() ?? "?")")
            let plaintext = try await client.resource("default/quickstart/secret", attested: attested, key: key)
            let released = String(decoding: plaintext, as: UTF8.self)
            say("   released and decrypted: \"\(released)\" \(released == secret ? "(matches)" : "(DOES NOT MATCH)")")
            guard released == secret else { throw ExitCode(ExitStatus.rejected.rawValue) }
        }

        say("\(guests.count + 3). The audit log (hash-chained; never the secret):")
        let records = try await broker.store.auditRecords()
        for record in records { say("   #\(record.sequence) \(record.eventJSON)") }
        let report = AuditChain.verify(records)
        say("   chain: \(report.isIntact ? "intact" : "BROKEN"), \(report.count) records, head \(report.headHash.prefix(16))…")
        say("Done: the broker is stopped and its temporary files removed.")
    }

    private func say(_ line: String) { print(line) }
}
