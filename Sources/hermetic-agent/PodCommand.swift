import ArgumentParser
import Foundation
import GuestAgent
import GuestAttester
#if canImport(Glibc)
import Glibc
#endif

/// `hermetic-agent pod`: what `/init` runs in the sandbox. The broker and the resource come from the kernel command
/// line, the control port from `HERMETIC_PORT` (or found by name); see ``PodBootstrap`` for the lines it writes.
struct PodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pod",
        abstract: "Check the init-data, attest, fetch the resource the kernel command line names and report its digest on the control port."
    )

    @Option(help: "The TEE whose evidence is sent: tpm, snp or tdx.")
    var tee = "tpm"

    @Option(help: "The kernel command line (hermetic.kbs=URL hermetic.resource=PATH).")
    var cmdline = "/proc/cmdline"

    @Option(help: "The virtio-serial port's name, when HERMETIC_PORT is not set.")
    var control = "hermetic.0"

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
            var standardError = StandardError()
            print("hermetic-agent: \(line)", to: &standardError)
        }
        let tee = self.tee
        let cmdline = self.cmdline
        let parameters: PodBootstrap.Parameters
        do {
            parameters = try PodBootstrap.Parameters(commandLine: String(decoding: try GuestFiles.read(cmdline, limit: 1 << 16), as: UTF8.self))
        } catch {
            report("FAILED boot \(error)")
            report("DONE")
            throw ExitCode(2)
        }
        let released = await PodBootstrap.run(boot: {
            guard let kind = AgentConfiguration.TEEKind(rawValue: tee) else {
                throw GuestAttesterError(.badInput, "--tee must be one of tpm, snp, tdx (got \(tee))")
            }
            return try GuestAgent.boot(AgentConfiguration(tee: kind, kbsURL: parameters.kbs))
        }, resource: parameters.resource, report: report)
        if !released { throw ExitCode(1) }
    }
}
