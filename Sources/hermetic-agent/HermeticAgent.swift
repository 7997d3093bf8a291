import ArgumentParser

@main
struct HermeticAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hermetic-agent",
        abstract: "Hermetic's guest agent: init-data check, attestation to the key broker, and the gate on the control channel.",
        subcommands: [ServeCommand.self, PodCommand.self, AttestCommand.self, GetResourceCommand.self, UnsealCommand.self]
    )
}
