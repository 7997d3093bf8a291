import ArgumentParser
import Foundation
import HermeticCore
import OCI
import OCIURLSession
import OCIHTTPClient

extension ImageCommand {
    /// Options shared by pull and push.
    struct RegistryOptions: ParsableArguments {
        @Flag(help: "Talk plain HTTP (a loopback registry without TLS).") var plainHTTP = false
        @Option(help: "User name for the registry's token service.") var username: String?
        @Option(help: "A file holding the password for --username.") var passwordFile: String?
        @Option(help: "A PEM file of CA certificates the registry's TLS certificate may chain to, beside the system roots; repeatable. Verification is never skipped.") var caFile: [String] = []

        func validate() throws {
            if plainHTTP, !caFile.isEmpty { throw ValidationError("--ca-file is for TLS; it cannot go with --plain-http") }
        }

        /// Runs `body` with a client for these options: over the system's URLSession, or with `--ca-file` over a
        /// transport that trusts those roots too (shut down afterwards).
        func withClient<T: Sendable>(_ body: (RegistryClient) async throws -> T) async throws -> T {
            guard !caFile.isEmpty else { return try await body(try client()) }
            return try await TLSRegistryTransport.withTransport(caFiles: caFile) { transport in
                try await body(try client(transport: transport))
            }
        }

        func client(transport: any RegistryTransport = URLSessionRegistryTransport()) throws -> RegistryClient {
            var credentials: (user: String, password: String)?
            if let username {
                guard let passwordFile, let data = FileManager.default.contents(atPath: passwordFile) else {
                    throw OCIError(.malformed, "--username needs a readable --password-file")
                }
                credentials = (username, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines))
            }
            return RegistryClient(transport: transport, plainHTTP: plainHTTP, credentials: credentials)
        }
    }

    /// `hermetic image pull REF oci:DIR[:TAG]`.
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pull an image (every platform of an index) from a registry into an OCI layout.")

        @Argument(help: "HOST[:PORT]/NAME[:TAG|@DIGEST].") var image: String
        @Argument(help: "The destination, oci:DIR[:TAG].") var destination: String
        @Option(help: "From an index, pull only the manifest for this platform, os/architecture[/variant] (e.g. linux/arm64).") var platform: String?
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            try await ImageCommand.reportingFailures {
                let platform = try self.platform.map(Platform.init(parsing:))
                let reference = try ImageReference(parsing: image)
                let layout = try LayoutReference(parsing: destination)
                let descriptor = try await registry.withClient { try await $0.pull(reference, into: layout, platform: platform) }
                print("pulled: \(destination) \(descriptor.digest)")
            }
        }
    }

    /// `hermetic image push oci:DIR[:TAG] REF`.
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Push an image from an OCI layout to a registry.")

        @Argument(help: "The source, oci:DIR[:TAG].") var source: String
        @Argument(help: "HOST[:PORT]/NAME[:TAG].") var image: String
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            try await ImageCommand.reportingFailures {
                let layout = try LayoutReference(parsing: source)
                let reference = try ImageReference(parsing: image)
                try await registry.withClient { try await $0.push(from: layout, to: reference) }
                print("pushed: \(image)")
            }
        }
    }
}
