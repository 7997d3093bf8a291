import Crypto
import Foundation
import Gate
import PolicyGenerator
import HermeticCore
import ImageCrypt
import InitData
import KBSClient
import OCI
import OCIURLSession
import Pod
import Sandbox
import TestSupport
import Testing

/// The whole pod in the measured VM: the agent attests, opens the gate, and the host's orders run a container whose
/// image was encrypted for the broker's key provider and pulled through the forwarded registry port. Each negative
/// ends with nothing run: a forbidden exec, a layer tampered with in the registry, and init-data swapped by the host.
extension PodEndToEndTests {
    static let marker = "hermetic-pod-ok"
    static let kid = "kbs:///default/image-kek/pod-app"

    /// A sealed secret the container takes as `TOKEN` from a Secret: the broker holds the sealing key's JWK and the
    /// token, both listed in the pod's registration; the guest opens it behind the gate.
    struct SealedToken {
        static let value = "token-" + Hex.encode(SecureRandom.bytes(8))
        static let signer = P256.Signing.PrivateKey()
        static let keyID = "kbs:///default/sealing-key/pod"
        static let tokenURI = "kbs:///default/pod-app/token"
        /// One sealed string for every spec of a run (a signature differs each time), so their policies agree.
        static let sealedText = Result { try SealedSecret.seal(payload: SealedSecret.vaultPayload(try ResourceURI(tokenURI)), keyID: keyID, key: signer) }
        static func sealed() throws -> String { try sealedText.get() }
        static var resources: [(path: String, value: [UInt8])] {
            [("default/sealing-key/pod", SealedSecret.publicJWK(signer.publicKey)), ("default/pod-app/token", Array(value.utf8))]
        }
        static var digest: String { Hex.encode(Array(SHA256.hash(data: Array(value.utf8)))) }
    }

    @Test("an encrypted image is pulled, decrypted with the broker's key and run through the gate; exec refused; a tampered layer and swapped init-data run nothing",
          .enabled(if: PodEnvironment.available && LoopbackRegistry.executable != nil, PodEnvironment.skipMessage), .timeLimit(.minutes(10)))
    func containerFromEncryptedImage() async throws {
        let work = try PodEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let tenant = try await EncryptedPod.make(in: work)
        let (image, golden, registry, kek, encrypted, client, pinned) = (tenant.image, tenant.golden, tenant.registry, tenant.kek, tenant.encrypted, tenant.client, tenant.pinned)

        // The pod runs; the exec the policy does not list is refused while the container runs.
        let spec = try Self.podSpec(image: image, golden: golden, pinnedImage: pinned, registryPort: UInt16(registry.port), directory: work, name: "run")
        let probe = ExecProbe()
        var started = Date()
        let ran = try await Self.run(spec, secret: nil, resources: [(try KeyProviderPacket.resourcePath(of: Self.kid), kek)] + SealedToken.resources) { host, _, id in
            probe.status = try host.send(.execProcess, ["container_id": id, "exec_id": "probe", "process": ["Args": ["/bin/sh", "-c", "cat /proc/self/environ"], "Cwd": "/"]]).status
        }
        let wall = Date().timeIntervalSince(started)
        let output = String(decoding: ran.containers.first?.output ?? [], as: UTF8.self)
        print("""
            pod (container): READY \(Self.seconds(ran.ready)), ATTESTED \(Self.seconds(ran.attested)), GATE \(Self.seconds(ran.gate)), \
            started \(Self.seconds(ran.started["app"])), done \(Self.seconds(ran.total)) (from QEMU's start), run \(String(format: "%.1f", wall)) s; \
            orders: \(ran.exchanges); output: \(output.debugDescription); \(ran.console.split(separator: "\n").filter { $0.contains("pulled") })
            """)
        #expect(ran.failure == nil && ran.refusal == nil, "\(ran.lines)")
        #expect(ran.gate != nil, "\(ran.lines)")
        #expect(ran.containers.first?.status == .exitedSuccess, "\(ran.exchanges)")
        #expect(output.contains(Self.marker), "the container's output came back through ReadStdout")
        #expect(output.contains("token \(SealedToken.digest)"), "the sealed TOKEN was opened in the guest: \(output)")
        #expect(!ran.exchanges.description.contains(SealedToken.value), "the host never saw the token")
        #expect(probe.status == .refusedByPolicy, "ExecProcess is not in the policy")
        #expect(ran.exchanges.map(\.status).filter { $0 != .ok }.count == 1, "only the probe was refused: \(ran.exchanges)")

        // The registry serves a layer altered after encryption (manifest rewritten to match): the HMAC fails in the
        // guest, CreateContainer fails, nothing runs.
        let tamperedRef = try ImageReference(parsing: "\(registry.host)/pod/app:tampered")
        try await client.push(from: try Self.tamperedCopy(of: encrypted, at: "\(work)/tampered"), to: tamperedRef)
        let tamperedPin = "\(registry.host)/pod/app@\(try await client.resolve(tamperedRef))"
        let tamperedSpec = try Self.podSpec(image: image, golden: golden, pinnedImage: tamperedPin, registryPort: UInt16(registry.port), directory: work, name: "tampered")
        started = Date()
        let tampered = try await Self.run(tamperedSpec, secret: nil, resources: [(try KeyProviderPacket.resourcePath(of: Self.kid), kek)] + SealedToken.resources)
        print("pod (tampered layer): \(String(format: "%.1f", Date().timeIntervalSince(started))) s; orders: \(tampered.exchanges)")
        #expect(tampered.gate != nil)
        #expect(tampered.containers.first?.status == .executionFailed, "\(tampered.exchanges)")
        #expect(!tampered.exchanges.contains { $0.verb == .startContainer }, "nothing started")
        #expect(tampered.console.contains("integrity"), "the guest's log names the failed HMAC: \(tampered.console)")

        // The host swaps in init-data with a permissive policy: the agent measures it into PCR 8, the broker's
        // reference value is the pod's, so the attestation is not affirming and the KEK is never released.
        let permissive = try Self.podSpec(image: image, golden: golden, pinnedImage: pinned, registryPort: UInt16(registry.port), directory: work,
                                          name: "permissive", execAllowed: true)
        started = Date()
        let swapped = try await Self.run(spec, secret: nil, resources: [(try KeyProviderPacket.resourcePath(of: Self.kid), kek)] + SealedToken.resources,
                                         bootInitData: permissive.initDataPath)
        print("pod (init-data swapped): \(String(format: "%.1f", Date().timeIntervalSince(started))) s; lines: \(swapped.lines); orders: \(swapped.exchanges)")
        #expect(swapped.ready != nil, "the agent extends PCR 8 with whatever init-data it was given, then attests")
        #expect(swapped.containers.first?.status == .executionFailed, "no key, no image: \(swapped.exchanges)")
        #expect(!swapped.exchanges.contains { $0.verb == .startContainer })
        #expect(swapped.console.contains("did not release default/image-kek/pod-app") && swapped.console.contains("PolicyDeny"),
                "the guest's log names the broker's refusal: \(swapped.console)")
    }

    @Test("a swapped kernel (PCR 4) gets no key and runs nothing; a vTPM whose EK the broker's CA did not certify is refused at attestation",
          .enabled(if: PodEnvironment.available && LoopbackRegistry.executable != nil, PodEnvironment.skipMessage), .timeLimit(.minutes(8)))
    func kernelAndEndorsementNegatives() async throws {
        let kernel = try #require(PodEnvironment.kernel)
        let work = try PodEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let tenant = try await EncryptedPod.make(in: work)
        let (image, golden, registry, kek, pinned) = (tenant.image, tenant.golden, tenant.registry, tenant.kek, tenant.pinned)
        let keys = [(path: try KeyProviderPacket.resourcePath(of: Self.kid), value: kek)]

        // The same kernel build with 4 KiB appended: it boots, but the PE image OVMF measures into PCR 4 differs.
        let swappedRoot = "\(work)/kernel-swapped"
        try FileManager.default.createDirectory(atPath: swappedRoot + "/boot", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: swappedRoot + "/lib/modules", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: swappedRoot + "/lib/modules/" + kernel.release, withDestinationPath: kernel.modulesPath)
        let swappedKernel = KernelPackage(release: kernel.release, root: swappedRoot)
        try (try Data(contentsOf: URL(fileURLWithPath: kernel.kernelPath)) + Data(count: 4096)).write(to: URL(fileURLWithPath: swappedKernel.kernelPath))
        let spec = try Self.podSpec(image: image, golden: golden, pinnedImage: pinned, registryPort: UInt16(registry.port), directory: work, name: "kernel")
        var swappedSpec = spec
        swappedSpec.image = image.replacingKernel(with: swappedKernel)
        let expected = try PodRunner.referenceValues(for: spec), booted = try PodRunner.referenceValues(for: swappedSpec)
        let differing = Set(expected.keys.filter { expected[$0] != booted[$0] })
        #expect(!differing.isEmpty && differing.allSatisfy { $0.contains("pcr04") || $0.contains("pcr4") }, "only PCR 4 differs: \(differing.sorted())")
        var started = Date()
        let swapped = try await Self.run(spec, secret: nil, resources: keys, bootImage: image.replacingKernel(with: swappedKernel))
        print("pod (kernel swapped): \(String(format: "%.1f", Date().timeIntervalSince(started))) s; lines: \(swapped.lines); orders: \(swapped.exchanges)")
        #expect(swapped.gate != nil, "the guest attests (executables is not affirming) and opens its gate: \(swapped.lines)")
        #expect(swapped.containers.first?.status == .executionFailed, "no key, no image: \(swapped.exchanges)")
        #expect(swapped.console.contains("PolicyDeny"), "\(swapped.console)")

        // The vTPM's EK certificate comes from a CA the broker does not trust: no AK of that TPM is believed.
        started = Date()
        let unbound = try await Self.run(spec, secret: nil, resources: keys, bootTPMCA: "\(work)/other-ca")
        print("pod (EK from another CA): \(String(format: "%.1f", Date().timeIntervalSince(started))) s; lines: \(unbound.lines)")
        #expect(unbound.ready != nil && unbound.attested == nil && unbound.gate == nil, "\(unbound.lines)")
        #expect(unbound.refusal?.hasPrefix("attest") == true, "\(unbound.lines)")
        #expect(unbound.containers.isEmpty && unbound.exchanges.isEmpty)
    }

    /// The pod's YAML with `pinnedImage`, its generated policy as init-data, and the spec that boots it.
    static func podSpec(image: GuestImage, golden: GoldenPCRs, pinnedImage: String, registryPort: UInt16, directory: String, name: String,
                        execAllowed: Bool = false) throws -> PodSpec {
        let yaml = """
            apiVersion: v1
            kind: Secret
            metadata: {name: app-token}
            stringData:
              token: \(try SealedToken.sealed())
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: hello
              annotations:
                \(execAllowed ? "io.hermetic/exec.app: '[[\"/bin/sh\", \"-c\", \"cat /proc/self/environ\"]]'" : "io.hermetic/logs: \"true\"")
            spec:
              containers:
              - name: app
                image: \(pinnedImage)
                command: ["/bin/sh", "-c", "echo \(marker) from $(hostname); echo token $(echo -n $TOKEN | sha256sum); sleep 2"]
                env:
                - name: MODE
                  value: confidential
                - name: TOKEN
                  valueFrom: {secretKeyRef: {name: app-token, key: token}}
            """
        let generated = try PolicyGenerator.generate(yaml: yaml)
        let initDataPath = "\(directory)/initdata-\(name).toml"
        try InitData(policy: generated.policy).text.write(toFile: initDataPath, atomically: true, encoding: .utf8)
        var spec = PodSpec(image: image, golden: golden, initDataPath: initDataPath, resourcePath: nil, brokerHostPort: try LoopbackPort.free())
        spec.registryHostPort = registryPort
        spec.workload = try PodWorkload(policyData: generated.policyData, secretEnvironment: generated.secretEnvironment)
        return spec
    }

    /// One layer: busybox (static) with the links the command uses.
    static func busyboxImage(at directory: String) throws -> LayoutReference {
        let root = directory + "-rootfs"
        try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        for empty in ["proc", "dev", "sys", "tmp", "etc"] { try FileManager.default.createDirectory(atPath: root + "/" + empty, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: try #require(HostTools.find("busybox")), toPath: root + "/bin/busybox")
        for tool in ["sh", "echo", "sleep", "cat", "hostname", "sha256sum"] { try FileManager.default.createSymbolicLink(atPath: root + "/bin/" + tool, withDestinationPath: "busybox") }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: try #require(HostTools.find("tar")))
        tar.arguments = ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-C", root, "-cf", directory + ".tar", "."]
        try tar.run()
        tar.waitUntilExit()
        let layout = try ImageLayout.create(at: directory)
        let layer = try layout.writeBlob([UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + ".tar"))), mediaType: "application/vnd.oci.image.layer.v1.tar")
        let config = try layout.writeBlob(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layer.digest)"]},"config":{}}"#.utf8),
                                          mediaType: MediaType.imageConfig)
        var manifest = try Manifest(json: Array(#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]}"#.utf8))
        manifest.mediaType = MediaType.imageManifest
        manifest.config = config
        manifest.layers = [layer]
        var index = ImageIndex()
        index.manifests = [try layout.writeBlob(try manifest.encoded(), mediaType: MediaType.imageManifest)]
        try layout.writeIndex(index)
        return LayoutReference(directory: directory, tag: nil)
    }

    /// A copy of `source` whose one encrypted layer has a byte flipped, its descriptor and the manifest rewritten to
    /// match: what a registry controlled by the host could serve.
    static func tamperedCopy(of source: LayoutReference, at directory: String) throws -> LayoutReference {
        let original = try ImageLayout(opening: source.directory)
        var manifest = try Manifest(json: try original.readBlob(try original.resolve(tag: nil)))
        let layout = try ImageLayout.create(at: directory)
        var layer = manifest.layers[0]
        var bytes = try original.readBlob(layer)
        bytes[bytes.count / 2] ^= 0x01
        let written = try layout.writeBlob(bytes, mediaType: layer.mediaType)
        layer.digest = written.digest
        layer.size = written.size
        manifest.layers = [layer]
        _ = try layout.writeBlob(try original.readBlob(manifest.config), mediaType: manifest.config.mediaType)
        var index = ImageIndex()
        index.manifests = [try layout.writeBlob(try manifest.encoded(), mediaType: MediaType.imageManifest)]
        try layout.writeIndex(index)
        return LayoutReference(directory: directory, tag: nil)
    }
}

/// The guest image with the agent, the golden PCRs, and the tenant's side of a pod: a busybox image encrypted for
/// the key provider (the KEK kept only by the broker), pushed to a docker-registry on loopback and pinned by digest.
struct EncryptedPod {
    let image: GuestImage
    let golden: GoldenPCRs
    let registry: LoopbackRegistry
    let kek: [UInt8]
    let encrypted: LayoutReference
    let client: RegistryClient
    let pinned: String

    static func make(in work: String) async throws -> EncryptedPod {
        let kernel = try #require(PodEnvironment.kernel)
        let agent = PodEnvironment.stripped(try #require(PodEnvironment.agent), into: work)
        let builder = GuestImageBuilder(cache: PodEnvironment.cache)
        let image = try builder.build(GuestImageBuilder.Inputs(kernel: kernel, agent: agent))
        let golden = try PodEnvironment.golden(try builder.build(GuestImageBuilder.Inputs(kernel: kernel)))
        let registry = try LoopbackRegistry(storage: "\(work)/registry")
        let kek = SecureRandom.bytes(32)
        let encrypted = LayoutReference(directory: "\(work)/encrypted", tag: nil)
        try await ImageEncryptor(wrappers: [try KeyProviderWrapper(kid: PodEndToEndTests.kid, kek: kek)])
            .encrypt(from: try PodEndToEndTests.busyboxImage(at: "\(work)/plain"), to: encrypted)
        let client = RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true)
        let pushed = try ImageReference(parsing: "\(registry.host)/pod/app:enc")
        try await client.push(from: encrypted, to: pushed)
        return EncryptedPod(image: image, golden: golden, registry: registry, kek: kek, encrypted: encrypted, client: client,
                            pinned: "\(registry.host)/pod/app@\(try await client.resolve(pushed))")
    }
}

/// What the exec probe got, set from the host's thread.
final class ExecProbe: @unchecked Sendable {
    var status: GateStatus?
}
