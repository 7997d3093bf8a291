import Crypto
import Foundation
import HermeticCore
import HermeticServer
import KBSClient
import KeyBroker
import Logging
import Pod
import Sandbox
import Testing

/// The first pod slice end to end, on real peers: OVMF, swtpm (EK certificate from its private CA), Debian's
/// kernel, the sandbox initramfs with the static `hermetic-agent`, and the broker over HTTP through guestfwd. Three
/// boots under TCG: a golden boot for PCR 0–7, the pod (key released), and the same image with one more word on the
/// kernel command line (PCR 9 differs: the broker's policy denies, no key).
@Suite("Pod: the agent in the measured VM attests to the broker and gets a key", .serialized)
struct PodEndToEndTests {
    @Test("boot, init-data, EK-bound TPM attestation, key released; a changed command line (PCR 9) gets no key",
          .enabled(if: PodEnvironment.available, PodEnvironment.skipMessage), .timeLimit(.minutes(8)))
    func keyReleasedAndPCR9Denied() async throws {
        let kernel = try #require(PodEnvironment.kernel)
        let work = try PodEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let agent = PodEnvironment.stripped(try #require(PodEnvironment.agent), into: work)
        let builder = GuestImageBuilder(cache: PodEnvironment.cache)
        let plain = try builder.build(GuestImageBuilder.Inputs(kernel: kernel))
        var started = Date()
        let image = try builder.build(GuestImageBuilder.Inputs(kernel: kernel, agent: agent))
        let imageSeconds = Date().timeIntervalSince(started)
        let golden = try PodEnvironment.golden(plain)

        let initData = "\(work)/initdata.toml"
        try "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n\"pod.name\" = \"pod-e2e\"\n".write(toFile: initData, atomically: true, encoding: .utf8)
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let expectedDigest = Hex.encode(Array(SHA256.hash(data: secret)))

        // The pod: reference values for its own command line; the key is released.
        let spec = PodSpec(image: image, golden: golden, initDataPath: initData, resourcePath: "pod/key/one", brokerHostPort: try LoopbackPort.free())
        started = Date()
        let released = try await Self.run(spec, secret: secret)
        let wall = Date().timeIntervalSince(started)
        print("""
            pod: image \(String(format: "%.1f", imageSeconds)) s (cached: \(image.cached)), initrd \((try? FileManager.default.attributesOfItem(atPath: image.initrdPath)[.size] as? Int) ?? 0) bytes; \
            READY \(Self.seconds(released.ready)), ATTESTED \(Self.seconds(released.attested)), RESOURCE \(Self.seconds(released.released)), \
            DONE \(Self.seconds(released.total)) (from QEMU's start), run \(String(format: "%.1f", wall)) s; lines: \(released.lines)
            """)
        #expect(released.failure == nil && released.refusal == nil, "\(released.lines)")
        #expect(released.ready != nil && released.attested != nil)
        #expect(released.keyReleased)
        #expect(released.resourceDigest == expectedDigest, "the agent's digest is the stored secret's")
        #expect(!released.lines.joined().contains(Hex.encode(secret)), "the secret itself never crosses the control channel")

        // Negative: the same image and init-data, one more word on the command line. The broker holds the values
        // for the pod's command line; PCR 9 differs, executables stays 33, the EAR is not affirming, no key.
        let tampered = PodSpec(image: image, golden: golden, initDataPath: initData, resourcePath: "pod/key/one", brokerHostPort: try LoopbackPort.free())
        let denied = try await Self.run(tampered, secret: secret, commandLine: tampered.commandLine + " hermetic.debug=1")
        print("pod (PCR 9 changed): lines: \(denied.lines)")
        #expect(denied.ready != nil, "init-data still checks: PCR 8 does not depend on the command line")
        #expect(!denied.keyReleased)
        #expect(denied.resourceDigest == nil)
        #expect(denied.refusal?.contains("PolicyDeny") == true, "\(denied.lines)")
    }

    /// Makes a vTPM CA, starts a broker trusting it on the spec's port and registers the pod (reference values for the
    /// spec's own command line) with the secret and `resources`, all before the boot; then boots `spec` with that CA.
    static func run(_ spec: PodSpec, secret: [UInt8]?, resources: [(path: String, value: [UInt8])] = [], commandLine: String? = nil,
                    bootInitData: String? = nil, bootImage: GuestImage? = nil, bootTPMCA: String? = nil,
                    afterStart: @escaping @Sendable (PodHost, PodWorkload.Container, String) throws -> Void = { _, _, _ in }) async throws -> PodOutcome {
        let ca = NSTemporaryDirectory() + "/hermetic-pod-test-ca-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: ca) }
        let certificates = try PodRunner.makeCA(in: ca)
        let broker = try await PodEnvironment.broker(ekCertificates: [certificates.root, certificates.issuer])
        let admin = try await AdminToken.make(privateKeyPEM: PodEnvironment.adminKey.pemRepresentation)
        let client = KBSClient(transport: InProcessTransport(broker: broker))
        try await PodRunner.register(spec, client: client, adminToken: admin, secret: secret, resources: resources)
        var logger = Logger(label: "pod-test")
        logger.logLevel = .critical
        let server = try await BrokerServer(broker: broker, host: "127.0.0.1", port: Int(spec.brokerHostPort), logger: logger).start()
        defer { server.stop() }
        var booted = spec
        booted.tpmCADirectory = ca
        if let bootInitData { booted.initDataPath = bootInitData }
        if let bootImage { booted.image = bootImage }
        if let bootTPMCA {
            _ = try PodRunner.makeCA(in: bootTPMCA)
            booted.tpmCADirectory = bootTPMCA
        }
        return try await PodRunner.boot(booted, commandLine: commandLine, afterStart: afterStart)
    }

    static func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "-" }
}
