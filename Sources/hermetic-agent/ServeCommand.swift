import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Gate
import GuestAgent
import GuestAttester

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Check the init-data, then print READY on the control port and serve the gate there."
    )

    @OptionGroup var options: AgentOptions

    @Option(help: "The virtio-serial port's name.")
    var control = "hermetic.0"

    @Option(help: "The sysfs class directory of virtio ports.")
    var virtioClass = "/sys/class/virtio-ports"

    @Option(help: "Where the port's device node is.")
    var deviceRoot = "/dev"

    func run() throws {
        let (gate, port) = try AgentExit.reporting {
            let agent = try GuestAgent.boot(try options.configuration())
            let gate = try agent.gate(executor: NoneExecutor()) { line in
                var standardError = StandardError()
                print("gate: \(line)", to: &standardError)
            }
            return (gate, try VirtioPort(named: control, classRoot: virtioClass, deviceRoot: deviceRoot))
        }
        do {
            try ControlChannel.serve(gate, on: port)
        } catch {
            throw AgentExit.fail(error)
        }
    }
}
