import ArgumentParser
import Foundation

/// The `hermetic` command: the trust plane for confidential containers.
struct Hermetic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hermetic",
        abstract: "The trust plane for confidential containers: verify attestation evidence, evaluate policies, run the key broker.",
        discussion: """
            Exit codes: 0 success; 1 the evidence was checked and rejected; 2 bad usage or unreadable input;
            3 collateral needed for a verdict is missing.
            """,
        subcommands: [Verify.self, PolicyCommand.self, ServeCommand.self, KBSCommand.self, AuditCommand.self, QuickstartCommand.self,
                      InitDataCommand.self, MeasureCommand.self, RVCommand.self, AppraiseCommand.self,
                      EventLogCommand.self, TPMCommand.self, ImageCommand.self, GateCommand.self,
                      PodCommand.self, SecretCommand.self]
    )
}

@main
enum Main {
    static func main() async {
        do {
            var command = try Hermetic.parseAsRoot()
            // Before the first suspension, so still on the main thread and before the server's tasks exist.
            if let serve = command as? ServeCommand { serve.executor.install() }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = Hermetic.exitCode(for: error)
            let message = Hermetic.fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        }
    }
}
