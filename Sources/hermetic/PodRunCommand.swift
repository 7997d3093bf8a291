import ArgumentParser
import Attestation
import Crypto
import Foundation
import HermeticCore
import HermeticServer
import ImageCrypt
import InitData
import KBSClient
import KeyBroker
import Logging
import Pod
import Gate
import Sandbox
import Storage
import TPM

/// `hermetic pod run`: a confidential pod on this host, with a broker of its own or one already running.
struct PodRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Boot a pod in the agent's measured VM: attest (EK-bound TPM), then run its containers through the gate, or release one secret.",
        discussion: """
            Builds the guest image with --agent (a static hermetic-agent), takes PCR 0–7 from --golden or records them
            from a golden boot of the image without the agent, starts a key broker on loopback that verifies TPM
            evidence only through EK binding to the VM's vTPM CA, and registers the pod under --name: its PCR 0–9 and
            the resources it may have (--secret's, --kek's, --resource-file's), added to the broker's registered pods,
            with the pods' attestation and resource policies. A guest is affirmed only when its PCRs are one pod's, and
            receives only that pod's resources, so pods registered with one broker (--kbs) stay apart.

            With POD.yaml: the pod's agent policy is generated (images given by tag are pinned through --registry) and
            carried as init-data (PCR 8); the guest pulls each image through --registry, decrypts its layers with the
            key-encryption keys the broker releases to it (store them with --kek in the in-process broker), and runs the
            containers the host orders through the gate; each container's output is printed. Variables from the YAML's
            Secrets are sent with the orders (the policy binds their digests); a sealed value (sealed.…) is opened in
            the guest with the broker, so the host never sees the secret. With --secret: the
            broker stores it at --resource and the agent prints its SHA-256, never the secret.

            Exit 0 when every container exited 0 (and the secret was released, if asked), 1 when the broker or the gate
            refused or a container failed, 2 for bad input, 3 for a missing tool or kernel package.
            """
    )

    @OptionGroup var options: PodImageOptions
    @Argument(help: "The pod's Kubernetes YAML (a Pod, or a Deployment's or Job's template).") var pod: String?
    @Option(help: "The registry the guest pulls the pod's images from, 127.0.0.1:PORT or http://127.0.0.1:PORT (plain HTTP, forwarded into the VM).") var registry: String?
    @Option(help: "A key-encryption key for the in-process broker, KID=FILE (kbs:///REPO/TYPE/TAG=32-byte file, as given to image encrypt --kek); repeatable.") var kek: [String] = []
    @Option(help: "The file whose bytes the broker stores as the resource.") var secret: String?
    @Option(help: "The resource path (REPO/TYPE/TAG), with --secret.") var resource = "pod/key/one"
    @Option(help: "The init-data TOML (default: a minimal one).") var initdata: String?
    @Option(help: "Golden PCRs written by hermetic pod golden (same OVMF, QEMU and RAM); without it, a golden boot is recorded first.") var golden: String?
    @Option(help: "Words added to the booted kernel command line only (not to the reference values): a tampering check.") var tamper: String?
    @Option(help: "A broker already running on this host's loopback, http://127.0.0.1:PORT, instead of one in process (needs --admin-key and --tpm-ca).") var kbs: String?
    @Option(name: .customLong("admin-key"), help: "The broker's admin private key (PEM), with --kbs.") var adminKey: String?
    @Option(name: .customLong("tpm-ca"), help: "The vTPM CA directory kept across boots (hermetic pod ca); the --kbs broker runs with --tpm-ek-root on its two certificates.") var tpmCA: String?
    @Option(help: "Seconds to wait for the agent, and for each container to exit; a container still running then is stopped and removed.") var timeout: Double = 180
    @Option(help: "The pod's name among the broker's registered pods (default: the YAML's metadata.name, or \"pod\"); registering a name again replaces that pod.") var name: String?
    @Option(help: "A resource for the pod's guest only, PATH=FILE (REPO/TYPE/TAG; a sealed secret's key or value); repeatable.") var resourceFile: [String] = []

    func run() async throws {
        guard let agent = options.agent, FileManager.default.isReadableFile(atPath: agent) else {
            throw ValidationError("--agent must name the static hermetic-agent binary (swift build -c release --product hermetic-agent --static-swift-stdlib -Xswiftc -static-executable)")
        }
        guard pod != nil || secret != nil else { throw ValidationError("give POD.yaml, --secret, or both") }
        if let name, !PodRegistration.isValidName(name) {
            throw ValidationError("--name \(name.prefix(64)) must be 1–63 lowercase letters, digits, '-' or '.'")
        }
        var secretBytes: [UInt8]?
        if let secret {
            guard let bytes = FileManager.default.contents(atPath: secret) else { throw ValidationError("cannot read --secret \(secret)") }
            secretBytes = [UInt8](bytes)
        }
        let keks = try kek.map { entry -> (path: String, value: [UInt8]) in
            guard let equals = entry.firstIndex(of: "="), let bytes = FileManager.default.contents(atPath: String(entry[entry.index(after: equals)...])),
                  bytes.count == 32, let path = try? KeyProviderPacket.resourcePath(of: String(entry[..<equals])) else {
                throw ValidationError("--kek \(entry) is not KID=FILE with a kbs:/// KID and a 32-byte file")
            }
            return (path, [UInt8](bytes))
        }
        let files = try resourceFile.map { entry -> (path: String, value: [UInt8]) in
            guard let equals = entry.firstIndex(of: "="), let bytes = FileManager.default.contents(atPath: String(entry[entry.index(after: equals)...])),
                  (try? ResourcePath(String(entry[..<equals]))) != nil else {
                throw ValidationError("--resource-file \(entry) is not PATH=FILE with a REPO/TYPE/TAG path and a readable file")
            }
            return (String(entry[..<equals]), [UInt8](bytes))
        }
        var registryPort: UInt16?
        if pod != nil {
            let authority = registry.map { $0.hasPrefix("http://") ? String($0.dropFirst("http://".count)) : $0 }
                .map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            guard let authority, authority.hasPrefix("127.0.0.1:") || authority.hasPrefix("localhost:"),
                  let port = authority.split(separator: ":").last.flatMap({ UInt16($0) }), port > 0 else {
                throw ValidationError("POD.yaml needs --registry 127.0.0.1:PORT: the VM pulls images through a port forwarded to this host's loopback")
            }
            registryPort = port
        }
        var external: (client: KBSClient, port: UInt16, token: String)?
        if let kbs {
            guard let url = URL(string: kbs), url.scheme == "http", url.host == "127.0.0.1" || url.host == "localhost",
                  let port = url.port, let hostPort = UInt16(exactly: port), hostPort > 0 else {
                throw ValidationError("--kbs must be http://127.0.0.1:PORT: the VM reaches the broker through a port forwarded to this host's loopback")
            }
            guard let adminKey, tpmCA != nil else { throw ValidationError("--kbs needs --admin-key and --tpm-ca (the CA the broker's --tpm-ek-root trusts)") }
            let token = try await AdminToken.make(privateKeyPEM: try readText(adminKey))
            external = (KBSClient(transport: URLSessionTransport(baseURL: url)), hostPort, token)
        }
        let work = NSTemporaryDirectory() + "/hermetic-pod-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let initDataPath = initdata ?? "\(work)/initdata.toml"
        var workload: PodWorkload?
        var podName = name ?? "pod"
        if let pod {
            guard initdata == nil else { throw ValidationError("POD.yaml brings its own init-data (the generated policy); drop --initdata") }
            let generated = try await GatePolicy.generate(yaml: pod, registry: registry, plainHTTP: true)
            try InitData(policy: generated.policy).text.write(toFile: initDataPath, atomically: true, encoding: .utf8)
            workload = try Self.podErrors { () throws(PodError) -> PodWorkload in
                try PodWorkload(policyData: generated.policyData, secretEnvironment: generated.secretEnvironment)
            }
            if name == nil, !generated.podName.isEmpty { podName = generated.podName }
        } else if initdata == nil {
            try "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n".write(toFile: initDataPath, atomically: true, encoding: .utf8)
        }
        var recorded: GoldenPCRs?
        if let golden {
            guard let bytes = FileManager.default.contents(atPath: golden) else { throw ValidationError("cannot read --golden \(golden)") }
            recorded = try Self.podErrors { () throws(PodError) -> GoldenPCRs in try GoldenFile.read([UInt8](bytes)) }
        }
        let started = Date()
        let (image, golden) = try withSandboxErrors { () throws -> (GuestImage, GoldenPCRs) in
            let kernel = try KernelPackage.fetch(release: options.kernelRelease, cache: options.cacheDirectory)
            let builder = GuestImageBuilder(cache: options.cacheDirectory)
            let image = try builder.build(GuestImageBuilder.Inputs(kernel: kernel, agent: agent))
            if let recorded { return (image, recorded) }
            let plain = try builder.build(GuestImageBuilder.Inputs(kernel: kernel))
            return (image, try GoldenPCRs.record(SandboxVM.Configuration(image: plain)))
        }
        var spec = PodSpec(image: image, golden: golden, initDataPath: initDataPath, resourcePath: secret == nil ? nil : resource,
                           brokerHostPort: try external?.port ?? Self.podErrors { () throws(PodError) -> UInt16 in try LoopbackPort.free() })
        spec.name = podName
        spec.tpmCADirectory = tpmCA
        spec.registryHostPort = registryPort
        spec.workload = workload
        let prepared = Date().timeIntervalSince(started)
        let outcome: PodOutcome
        do {
            var server: RunningBrokerServer?
            defer { server?.stop() }
            if let external {
                try await PodRunner.register(spec, client: external.client, adminToken: external.token, secret: secretBytes, resources: keks + files)
            } else {
                // A CA for this run, made before the boot so the broker is listening before the guest asks.
                let ca = tpmCA ?? "\(work)/tpm-ca"
                let certificates = try PodRunner.makeCA(in: ca)
                spec.tpmCADirectory = ca
                let adminKey = Curve25519.Signing.PrivateKey()
                let broker = try await Self.broker(ekCertificates: [certificates.root, certificates.issuer], adminKey: adminKey, directory: work)
                let token = try await AdminToken.make(privateKeyPEM: adminKey.pemRepresentation)
                let client = KBSClient(transport: InProcessBrokerTransport(broker: broker))
                try await PodRunner.register(spec, client: client, adminToken: token, secret: secretBytes, resources: keks + files)
                var logger = Logger(label: "hermetic.pod")
                logger.logLevel = .critical
                server = try await BrokerServer(broker: broker, host: "127.0.0.1", port: Int(spec.brokerHostPort), logger: logger).start()
            }
            // Each container's output is printed as the host reads it through the gate, a whole line at a time.
            let lines = LinePrinter()
            outcome = try await PodRunner.boot(spec, commandLine: tamper.map { spec.commandLine + " " + $0 }, timeout: timeout,
                                               onOutput: { container, bytes in lines.take(bytes, from: container.name) })
            lines.flush()
        } catch let error as SandboxError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(error.code == .measurement ? ExitStatus.badInput.rawValue : ExitStatus(error.kind).rawValue)
        } catch let error as PodError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus(error.kind).rawValue)
        } catch let error as KBSClientError {
            FileHandle.standardError.write(Data("pod: the broker refused the registration: \(error)\n".utf8))
            throw ExitCode(error.status == 0 ? ExitStatus.collateralUnavailable.rawValue : ExitStatus.rejected.rawValue)
        }
        for line in outcome.lines { print("agent: \(line)") }
        for exchange in outcome.exchanges { print("gate: \(exchange)") }
        for container in outcome.containers { print("container \(container.name): \(container.status.name)") }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "-" }
        print("image\(recorded == nil ? " and golden boot" : "") \(String(format: "%.1f", prepared)) s; from QEMU's start: READY \(seconds(outcome.ready)), ATTESTED \(seconds(outcome.attested)), released \(seconds(outcome.released)), gate \(seconds(outcome.gate)), done \(seconds(outcome.total))")
        if let workload {
            let ran = outcome.containers.count == workload.containers.count && outcome.containers.allSatisfy { $0.status == .exitedSuccess }
            guard ran else {
                FileHandle.standardError.write(Data("pod: not every container ran to a successful exit (the guest's log: \(outcome.console.suffix(800)))\n".utf8))
                throw ExitCode(ExitStatus.rejected.rawValue)
            }
        }
        guard let secretBytes else { return }
        guard let digest = outcome.resourceDigest else { throw ExitCode(ExitStatus.rejected.rawValue) }
        let expected = Hex.encode(Array(SHA256.hash(data: secretBytes)))
        guard ConstantTime.equals(Array(digest.utf8), Array(expected.utf8)) else {
            FileHandle.standardError.write(Data("pod: the agent's digest is not the secret's\n".utf8))
            throw ExitCode(ExitStatus.rejected.rawValue)
        }
        print("key released: sha256:\(digest) matches --secret")
    }

    static func podErrors<T>(_ body: () throws(PodError) -> T) throws -> T {
        do { return try body() } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus(error.kind).rawValue)
        }
    }

    /// A broker on a SQLite store in `directory` that verifies `tpm` evidence only through EK binding to
    /// `ekCertificates` (the vTPM CA's root and issuer).
    static func broker(ekCertificates: [String], adminKey: Curve25519.Signing.PrivateKey, directory: String) async throws -> KeyBroker {
        var verifiers = VerifierRegistry()
        verifiers.register(TPMAttestationVerifier(trust: AKTrust()))
        var configuration = BrokerConfiguration()
        configuration.tpmEKBinding = try TPMEKBinding.load(rootPaths: ekCertificates, required: true)
        return try await KeyBroker(
            store: try SQLiteStore(path: "\(directory)/broker.sqlite", kek: .generate()), configuration: configuration, verifiers: verifiers,
            signer: await EARSigner(), admin: try await AdminAuthenticator(publicKeysPEM: [adminKey.publicKey.pemRepresentation])
        )
    }
}

/// The admin calls go straight to the in-process broker, as its HTTP server would pass them.
struct InProcessBrokerTransport: KBSTransport {
    let broker: KeyBroker

    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        let full = path.hasPrefix("/kbs/v0/") ? String(path.dropFirst("/kbs/v0/".count)) : path
        let parts = full.split(separator: "?", maxSplits: 1).map(String.init)
        let response = await broker.handle(BrokerRequest(method: method, path: parts.first ?? "", query: parts.count > 1 ? parts[1] : "", headers: headers, body: body, client: "hermetic-pod"))
        return KBSHTTPResponse(status: response.status, headers: Dictionary(response.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a }), body: response.body)
    }
}

/// `hermetic pod ca`: the vTPM CA kept across boots, for a broker outside `pod run`.
struct PodCA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Create (or reuse) the vTPM EK CA directory and print the certificates a broker's --tpm-ek-root takes."
    )

    @Option(help: "The CA directory.") var dir: String

    func run() throws {
        let work = NSTemporaryDirectory() + "/hermetic-pod-ca-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: work) }
        let state = try withSandboxErrors { () throws -> SwtpmState in
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return try SwtpmState.create(in: work, caDirectory: dir)
        }
        print("--tpm-ek-root \(state.rootCertificatePath) --tpm-ek-root \(state.issuerCertificatePath)")
    }
}

/// Prints containers' output as `NAME | line`, each line once it is complete (the rest at ``flush()``).
private final class LinePrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [String: [UInt8]] = [:]

    func take(_ bytes: [UInt8], from container: String) {
        lock.withLock {
            var buffer = pending[container, default: []] + bytes
            while let newline = buffer.firstIndex(of: 0x0A) {
                print("\(container) | \(String(decoding: buffer[..<newline], as: UTF8.self))")
                buffer.removeSubrange(...newline)
            }
            pending[container] = buffer
        }
    }

    func flush() {
        lock.withLock {
            for (container, rest) in pending where !rest.isEmpty { print("\(container) | \(String(decoding: rest, as: UTF8.self))") }
            pending = [:]
        }
    }
}
