import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Gate
import GuestAgent
import GuestAttester
import HermeticCore
import KBSClient
#if canImport(Glibc)
import Glibc
#endif

/// `hermetic-agent pod`: what `/init` runs in the sandbox. The broker, the resource and the registry mirror come
/// from the kernel command line, the control port from `HERMETIC_PORT` (or found by name); see ``PodBootstrap`` for
/// the lines it writes. When the init-data carries a policy, the port then carries the gate: the host's orders,
/// each checked by the policy and the pod's state machine, with each application container's image pulled,
/// decrypted with its key from the broker and unpacked when its CreateContainer is accepted, sealed secrets in its
/// environment opened with the broker, and run by runc.
struct PodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod",
        abstract: "Check the init-data, attest, fetch the resource the kernel command line names, then serve the pod's gate on the control port."
    )

    @Option(help: "The TEE whose evidence is sent: tpm, snp or tdx.")
    var tee = "tpm"

    @Option(help: "The kernel command line (hermetic.kbs=URL [hermetic.resource=PATH] [hermetic.registry=HOST:PORT]).")
    var cmdline = "/proc/cmdline"

    @Option(help: "The virtio-serial port's name, when HERMETIC_PORT is not set.")
    var control = "hermetic.0"

    @Option(help: "The runc binary.")
    var runc = "/usr/bin/runc"

    @Option(help: "Where bundles, container logs and runc's state live.")
    var state = "/run/hermetic"

    func run() async throws {
        let device: String
        do {
            device = try ProcessInfo.processInfo.environment["HERMETIC_PORT"] ?? VirtioPort(named: control).devicePath
        } catch {
            throw AgentExit.fail(error)
        }
        let fd = open(device, O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw AgentExit.fail(GuestAttesterError(.io, "cannot open the control port \(device) (errno \(errno))")) }
        defer { close(fd) }
        let report: (String) -> Void = { line in
            let bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            Self.log(line)
        }
        let tee = self.tee
        let parameters: PodBootstrap.Parameters
        do {
            parameters = try PodBootstrap.Parameters(commandLine: String(decoding: try GuestFiles.read(cmdline, limit: 1 << 16), as: UTF8.self))
        } catch {
            report("FAILED boot \(error)")
            report("DONE")
            throw ExitCode(2)
        }
        let outcome = await PodBootstrap.run(boot: {
            guard let kind = AgentConfiguration.TEEKind(rawValue: tee) else {
                throw GuestAttesterError(.badInput, "--tee must be one of tpm, snp, tdx (got \(tee))")
            }
            return try GuestAgent.boot(AgentConfiguration(tee: kind, kbsURL: parameters.kbs))
        }, resource: parameters.resource, serveGate: true, report: report)
        switch outcome {
        case .done(let success):
            if !success { throw ExitCode(1) }
        case .gate(let agent):
            let end = try await serveGate(agent, registry: parameters.registry, fd: fd)
            Self.log("gate ended: \(end)")
        }
    }

    /// Serves the pod's gate on `fd` from a thread of its own: an accepted CreateContainer waits there for its image
    /// while the pull runs on the concurrency pool.
    private func serveGate(_ agent: GuestAgent, registry: String?, fd: Int32) async throws -> GateStreamServer.End {
        let stateDirectory = URL(fileURLWithPath: state)
        let pipeline: ImagePipeline?
        do {
            pipeline = try registry.map { ImagePipeline(transport: try RegistryMirrorTransport(mirror: $0), work: state + "/images", bundles: state + "/bundles") }
        } catch {
            throw AgentExit.fail(error)
        }
        let runtime = RuncExecutor(runc: runc, bundles: stateDirectory.appendingPathComponent("bundles"), state: stateDirectory.appendingPathComponent("containers"),
                                   noPivot: true)
        // Behind the gate: the image is pulled first, then sealed secrets in the environment are opened, then runc.
        let session = agent.session
        let unsealing = SealedEnvironmentExecutor(inner: runtime) { try await SealedSecretUnsealer(session: session).unseal($0) }
        let pulling = PullingExecutor(inner: unsealing, pull: { image, container in
            guard let pipeline else { throw GuestAttesterError(.badInput, "the kernel command line names no hermetic.registry=HOST:PORT to pull \(image) from") }
            return try await agent.pullImage(image, container: container, runtime: pipeline)
        }, log: { Self.log($0) })
        let gate: Gate
        do {
            gate = try agent.gate(executor: pulling) { Self.log("gate: \($0)") }
        } catch {
            throw AgentExit.fail(error)
        }
        defer { gate.shutdown() }
        return try await withCheckedThrowingContinuation { continuation in
            let started = DetachedThread.start { continuation.resume(returning: GateStreamServer(gate: gate, input: fd, output: fd).serve()) }
            if !started { continuation.resume(throwing: AgentExit.fail(GuestAttesterError(.io, "cannot start the gate's thread"))) }
        }
    }

    private static func log(_ line: String) {
        var standardError = StandardError()
        print("hermetic-agent: \(line)", to: &standardError)
    }
}
