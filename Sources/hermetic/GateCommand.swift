import ArgumentParser
import Foundation
import HermeticCore
import InitData
import OCI
import OCIURLSession
import Gate
import PolicyGenerator

/// `hermetic gate`: the guest-side gate between the host and the pod, and the host's side of its channel.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run the gate, or play the host: send one order or poll one UID.",
        discussion: """
            Exit codes for order and poll: 0 the gate answered ok (or a poll status that is not a refusal); 1 the gate
            refused the order; 2 bad usage, an unreadable file, or no gate at the socket.
            """,
        subcommands: [GateServe.self, GateOrder.self, GatePoll.self, GatePolicy.self]
    )
}

/// Loads a gate's policy from `--policy` and/or `--init-data`.
enum GatePolicyFiles {
    static func read(_ path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw InputError(description: "\(path): cannot read (\(error.localizedDescription))")
        }
    }

    /// The policy text: from the policy file, from the init-data, or both (then they must be the same).
    static func policy(policyPath: String?, initDataPath: String?) throws -> (source: String, initData: InitData?) {
        var initData: InitData?
        if let initDataPath {
            do { initData = try InitData(toml: try read(initDataPath)) } catch let error as InitDataError {
                throw InputError(description: "\(initDataPath): \(error)")
            }
            guard initData?.policy != nil else { throw InputError(description: "\(initDataPath): init-data: [data] has no \"policy.rego\"") }
        }
        switch (policyPath, initData) {
        case (let path?, let data?):
            let source = try read(path)
            guard source == data.policy else {
                throw InputError(description: "\(path): differs from the policy.rego in the init-data")
            }
            return (source, data)
        case (let path?, nil): return (try read(path), nil)
        case (nil, let data?): return (data.policy ?? "", data)
        case (nil, nil): throw ValidationError("give --policy, --init-data, or both")
        }
    }
}

/// `hermetic gate serve`.
struct GateServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gate on a unix socket until interrupted.",
        discussion: """
            Each order is checked by the Executive (frame and noun schema), the Servicer (the pod's state machine) and
            the agent policy (Rego, Kata's rule names), then carried out by the executor. Refusals are logged to
            standard error with the UID and the reason, never the noun.
            """
    )

    @Option(help: "Where to listen: unix:PATH.")
    var listen: String

    @Option(help: "The agent policy (Rego: rules plus policy_data, as genpolicy or hermetic gate policy write it).")
    var policy: String?

    @Option(name: .customLong("init-data"), help: "Init-data TOML carrying the policy as policy.rego; its digest is printed.")
    var initData: String?

    @Option(help: "What carries out accepted orders: none (nothing runs) or runc (OCI bundles under --bundles).")
    var executor: String = "none"

    @Option(help: "For --executor runc: the prepared OCI bundles, one directory per container name.")
    var bundles: String?

    @Option(help: "For --executor runc: where bundles, logs and runc state are written.")
    var state: String?

    @Option(name: .customLong("max-noun"), help: "The largest noun accepted, in bytes.")
    var maxNoun: Int = 1 << 20

    func run() throws {
        guard let endpoint = GateEndpoint(listen) else { throw ValidationError("--listen must be unix:PATH") }
        let runner: any Executor
        switch executor {
        case "none": runner = NoneExecutor()
        case "runc":
            guard let bundles, let state else { throw ValidationError("--executor runc needs --bundles and --state") }
            runner = RuncExecutor(bundles: URL(fileURLWithPath: bundles), state: URL(fileURLWithPath: state))
        default: throw ValidationError("--executor must be none or runc")
        }
        let (source, initData) = try GatePolicyFiles.policy(policyPath: policy, initDataPath: initData)
        let agentPolicy: AgentPolicy
        do { agentPolicy = try AgentPolicy(source: source) } catch {
            throw InputError(description: "\(policy ?? initData.map { _ in "init-data policy.rego" } ?? "policy"): \(error)")
        }
        let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("gate: " + $0 + "\n").utf8)) }
        let gate = Gate(policy: agentPolicy, executor: runner, log: log)
        // Signals are routed before the banner is printed, so a stop right after it is never lost.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        let server = GateServer(gate: gate, endpoint: endpoint, limits: FrameLimits(maximumBody: maxNoun))
        do { try server.start() } catch { throw InputError(description: "\(endpoint): \(error)") }
        var banner = ""
        if let initData { banner += "init-data \(initData.algorithm.rawValue) \(Hex.encode(initData.digest))\n" }
        banner += "gate listening on \(endpoint)\n"
        FileHandle.standardOutput.write(Data(banner.utf8))
        stop.wait()
        sources.forEach { $0.cancel() }
        server.stop()
        gate.shutdown()
    }
}

/// `hermetic gate order`.
struct GateOrder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Send one order (VERB, NOUN, UID) and print the reply's status and UID."
    )

    @Option(help: "The gate's socket: unix:PATH.")
    var connect: String

    @Option(help: "The verb: an agent API operation such as CreateContainer (or CreateContainerRequest), or PodReady.")
    var verb: String

    @Option(help: "The noun: a JSON file with the request body.")
    var noun: String

    @Option(help: "The order's UID.")
    var uid: UInt64

    func run() throws {
        guard let endpoint = GateEndpoint(connect) else { throw ValidationError("--connect must be unix:PATH") }
        guard let verb = Verb(name: verb) else { throw InputError(description: "unknown verb \(self.verb)") }
        let body: [UInt8]
        do { body = [UInt8](try Data(contentsOf: URL(fileURLWithPath: noun))) } catch {
            throw InputError(description: "\(noun): cannot read (\(error.localizedDescription))")
        }
        let status: GateStatus
        do { status = try GateClient(endpoint: endpoint).order(verb, noun: body, uid: uid) } catch {
            throw InputError(description: "\(endpoint): \(error)")
        }
        print("\(status.name) \(uid)")
        if status.isRefusal || status == .executionFailed { throw ExitCode(ExitStatus.rejected.rawValue) }
    }
}

/// `hermetic gate poll`.
struct GatePoll: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Ask the status of the order with a UID and print it (ok, running, exited-success, exited-failure, unknown-uid, …)."
    )

    @Option(help: "The gate's socket: unix:PATH.")
    var connect: String

    @Option(help: "The order's UID.")
    var uid: UInt64

    func run() throws {
        guard let endpoint = GateEndpoint(connect) else { throw ValidationError("--connect must be unix:PATH") }
        let status: GateStatus
        do { status = try GateClient(endpoint: endpoint).poll(uid: uid) } catch {
            throw InputError(description: "\(endpoint): \(error)")
        }
        print("\(status.name) \(uid)")
        if status.isRefusal || status == .unknownUID { throw ExitCode(ExitStatus.rejected.rawValue) }
    }
}

/// `hermetic gate policy`.
struct GatePolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Write a pod's agent policy and the init-data TOML that binds it, from Kubernetes YAML.",
        discussion: """
            Reads a Pod, Deployment or Job with the ConfigMaps and Secrets it uses. Images must be pinned by digest and
            every container must give command. Exec is denied unless the pod annotation io.hermetic/exec.<container>
            lists the allowed commands (a JSON array of argument arrays); CopyFile unless io.hermetic/copy-files is
            "true". Writes policy.rego and initdata.toml to --output and prints the init-data digest. With --registry, an
            image given by tag is pinned to the digest of the manifest the registry serves for it now (hashed here).
            """
    )

    @Argument(help: "The Kubernetes YAML.")
    var yaml: String

    @Option(help: "The directory to write policy.rego and initdata.toml to.")
    var output: String = "."

    @Option(help: "The init-data digest algorithm: sha256, sha384 or sha512.")
    var algorithm: String = "sha256"

    @Option(help: "The registry that pins images given by tag: HOST[:PORT] or a URL (http:// implies --plain-http); an image naming its own registry is asked there.")
    var registry: String?

    @Flag(name: .customLong("plain-http"), help: "Talk to the registry over plain HTTP (a loopback or test registry).")
    var plainHTTP = false

    func run() async throws {
        guard let digest = InitDataAlgorithm(rawValue: algorithm) else {
            throw ValidationError("--algorithm must be sha256, sha384 or sha512")
        }
        let generated = try await Self.generate(yaml: yaml, registry: registry, plainHTTP: plainHTTP)
        let initData: InitData
        do { initData = try InitData(policy: generated.policy, algorithm: digest) } catch {
            throw InputError(description: "\(yaml): \(error)")
        }
        let directory = URL(fileURLWithPath: output)
        do {
            try Data(generated.policy.utf8).write(to: directory.appendingPathComponent("policy.rego"))
            try Data(initData.text.utf8).write(to: directory.appendingPathComponent("initdata.toml"))
        } catch {
            throw InputError(description: "\(output): cannot write (\(error.localizedDescription))")
        }
        print("init-data \(digest.rawValue) \(Hex.encode(initData.digest))")
    }

    /// The policy for the YAML file at `yaml`, each image given by tag pinned through `registry` first.
    ///
    /// - Throws: ``InputError`` naming the file and the generator's complaint; the registry's error when a pin fails.
    static func generate(yaml: String, registry: String?, plainHTTP: Bool) async throws -> PolicyGenerator.Output {
        let text = try GatePolicyFiles.read(yaml)
        var pins: [String: String] = [:]
        // Each unpinned image the generator names is resolved and pinned, then the pod is generated again.
        while true {
            do {
                return try PolicyGenerator.generate(yaml: text, pins: pins)
            } catch {
                guard let registry, let image = error.unpinnedImage, pins[image] == nil else {
                    throw InputError(description: "\(yaml): \(error)")
                }
                let host = registry.replacingOccurrences(of: "^https?://", with: "", options: .regularExpression)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                pins[image] = try await Self.pin(image, registry: host, plainHTTP: plainHTTP || registry.hasPrefix("http://"))
            }
        }
    }

    /// `image` (`name[:tag]` or `host/name[:tag]`) pinned as `image@sha256:…` by the digest of what the registry
    /// serves for it.
    static func pin(_ image: String, registry: String, plainHTTP: Bool) async throws -> String {
        let first = image.split(separator: "/").first.map(String.init) ?? ""
        let namesHost = image.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost")
        let tagged = image.split(separator: "/").last?.contains(":") == true ? image : image + ":latest"
        let reference = try ImageReference(parsing: namesHost ? tagged : "\(registry)/\(tagged)")
        let digest = try await RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: plainHTTP).resolve(reference)
        return "\(image)@\(digest)"
    }
}
