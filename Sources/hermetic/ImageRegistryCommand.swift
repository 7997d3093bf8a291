import ArgumentParser
import Foundation
import HermeticCore
import OCI

extension ImageCommand {
    /// Options shared by pull and push.
    struct RegistryOptions: ParsableArguments {
        @Flag(help: "Talk plain HTTP (a loopback registry without TLS).") var plainHTTP = false
        @Option(help: "User name for the registry's token service.") var username: String?
        @Option(help: "A file holding the password for --username.") var passwordFile: String?

        func client() throws -> RegistryClient {
            var credentials: (user: String, password: String)?
            if let username {
                guard let passwordFile, let data = FileManager.default.contents(atPath: passwordFile) else {
                    throw OCIError(.malformed, "--username needs a readable --password-file")
                }
                credentials = (username, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines))
            }
            return RegistryClient(plainHTTP: plainHTTP, credentials: credentials)
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
                let descriptor = try await registry.client().pull(try ImageReference(parsing: image), into: try LayoutReference(parsing: destination), platform: platform)
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
                try await registry.client().push(from: try LayoutReference(parsing: source), to: try ImageReference(parsing: image))
                print("pushed: \(image)")
            }
        }
    }
}
