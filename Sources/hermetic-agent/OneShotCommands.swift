import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import GuestAgent
import HermeticCore
import KBSClient

struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Check the init-data, run RCAR once and print the attestation token's lifetime (never the token)."
    )

    @OptionGroup var options: AgentOptions

    func run() async throws {
        try await AgentExit.reporting {
            let agent = try GuestAgent.boot(try options.configuration())
            let attested = try await agent.session.attested()
            let token = try AttestationToken(jwt: attested.token)
            print("attested: tee=\(agent.evidence.tee.rawValue) expires=\(token.expiry.map { Timestamp.text($0) } ?? "never")")
        }
    }
}

struct GetResourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-resource",
        abstract: "Attest and fetch one resource (REPO/TYPE/TAG or kbs:///REPO/TYPE/TAG), decrypted, to stdout or a file."
    )

    @OptionGroup var options: AgentOptions

    @Option(help: "The resource path.")
    var path: String

    @Option(help: "Write the resource here (mode 0600) instead of stdout.")
    var output: String?

    func run() async throws {
        try await AgentExit.reporting {
            let agent = try GuestAgent.boot(try options.configuration())
            let resourcePath = path.hasPrefix("kbs://") ? try ResourceURI(path).path : path
            let value = try await agent.session.resource(resourcePath)
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(value), attributes: [.posixPermissions: 0o600]) else {
                    throw ValidationError("cannot write \(output)")
                }
            } else {
                StandardOutput.write(value)
            }
        }
    }
}

struct UnsealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal",
        abstract: "Attest and open a sealed secret (sealed.<header>.<payload>.<signature>) read from a file, to stdout."
    )

    @OptionGroup var options: AgentOptions

    @Argument(help: "The file holding the sealed secret.")
    var file: String

    func run() async throws {
        try await AgentExit.reporting {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let agent = try GuestAgent.boot(try options.configuration())
            let value = try await SealedSecretUnsealer(session: agent.session).unseal(String(decoding: data, as: UTF8.self))
            StandardOutput.write(value)
        }
    }
}
