import Attestation
import Benchmark
import Crypto
import Foundation
import GuestAttester
import HermeticCore
import HermeticServer
import KBSClient
import KeyBroker
import Logging
import Pod
import Storage
import TPM

/// The trust plane's share of a pod's start, natively: what the agent does between READY and the image key, on this
/// host instead of under TCG. One iteration is a fresh guest session on swtpm (AK derivation, quote of PCR 0–23)
/// through RCAR over loopback HTTP to a broker with the pods' policies (the TPM quote verified, the pod's PCRs
/// appraised, an EAR signed), then the pod's key-encryption key fetched (the resource policy over the registered
/// pods, a JWE to the session key, opened). In the first two variants the AK is given to the broker as collateral; the
/// EK-bound variant proves the AK as a pod does: auth carries the EK certificate and the AK, the broker's challenge a
/// credential (MakeCredential) that only this TPM can activate (ActivateCredential in the guest), checked against the
/// EK certificate's CA. Needs `HERMETIC_SWTPM_PORT` (a running swtpm, control port one above), as `GuestAttestation`
/// does; without it the benchmark is not registered. The EK-bound variant also needs `HERMETIC_SWTPM_EK_ROOTS`: the
/// PEM files (comma-separated) of the CA that issued the swtpm's EK certificate (`swtpm_setup --create-ek-cert`).
let benchmarks: @Sendable () -> Void = {
    guard let text = ProcessInfo.processInfo.environment["HERMETIC_SWTPM_PORT"], let port = UInt16(text) else { return }
    let transport: @Sendable () throws -> any TPMTransport = { SwtpmTransport(host: "127.0.0.1", port: port, controlPort: port + 1) }
    let ekRoots = ProcessInfo.processInfo.environment["HERMETIC_SWTPM_EK_ROOTS"]?.split(separator: ",").map(String.init)

    var variants: [(name: String, template: KeyTemplate, ekRoots: [String]?)] = [("RSA AK", .akRSA, nil), ("ECC AK", .akECC, nil)]
    if let ekRoots { variants.append(("RSA AK, EK-bound", .akRSA, ekRoots)) }
    for (name, template, ekRoots) in variants {
    Benchmark("Pod trust plane (\(name)): TPM evidence on swtpm, RCAR over loopback HTTP with the pods' policies, the image key fetched",
              configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(15), maxIterations: 60)) { benchmark in
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-pod-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ak = try { () throws -> AttestationKey in
            let client = TPMClient(transport: try transport())
            let key = try client.createPrimary(template)
            try client.flushContext(key.handle)
            return try AttestationKey(publicArea: key.publicArea)
        }()
        var verifiers = VerifierRegistry()
        var configuration = BrokerConfiguration()
        if let ekRoots {
            verifiers.register(TPMAttestationVerifier(trust: AKTrust()))
            configuration.tpmEKBinding = try TPMEKBinding.load(rootPaths: ekRoots, required: true)
        } else {
            verifiers.register(TPMAttestationVerifier(trust: AKTrust(keys: [ak])))
        }
        let adminKey = Curve25519.Signing.PrivateKey()
        let broker = try await KeyBroker(
            store: try SQLiteStore(path: directory.appendingPathComponent("kbs.sqlite").path, kek: .generate()),
            configuration: configuration, verifiers: verifiers, signer: await EARSigner(),
            admin: try await AdminAuthenticator(publicKeysPEM: [adminKey.publicKey.pemRepresentation])
        )
        var logger = Logger(label: "hermetic.bench")
        logger.logLevel = .warning
        let server = try await BrokerServer(broker: broker, host: "127.0.0.1", port: 0, logger: logger).start()
        defer { server.stop() }
        let client = KBSClient(transport: HTTPTransport(host: "127.0.0.1", port: server.url.port ?? 0))
        let admin = try await AdminToken.make(privateKeyPEM: adminKey.pemRepresentation)
        // The pod as registered: PCR 0–9 as the TPM holds them, and its key.
        var values: [String: JSONValue] = [:]
        for index in 0...9 {
            values[String(format: "tpm_pcr%02d", index)] = .array([.string(Hex.encode(try TPMPCRRegister(pcr: index, transport: transport).read()))])
        }
        let kek = SecureRandom.bytes(32)
        try await PodRunner.register(try PodRegistration(name: "bench", referenceValues: values, resources: ["default/image-kek/app"]),
                                     client: client, adminToken: admin)
        try await client.setResource("default/image-kek/app", value: kek, adminToken: admin)
        let source = TPMEvidenceSource(transport: transport, template: template, eventLogPath: nil)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let session = KBSSession(client: client, evidence: source)
            guard try await session.resource("default/image-kek/app") == kek else { throw KBSClientError(status: 0, type: "", detail: "another key came back") }
        }
        benchmark.stopMeasurement()
    }
    }
}
