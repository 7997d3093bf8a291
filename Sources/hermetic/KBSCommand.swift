import ArgumentParser
import Foundation
import HermeticCore
import JOSE
import KeyBroker
import TestSupport

/// Options every `hermetic kbs` command takes.
struct KBSOptions: ParsableArguments {
    @Option(help: "The broker's base URL, e.g. http://127.0.0.1:8080.") var url: String
    @Option(help: "The admin private key (PEM, Ed25519 or P-256) for admin commands.") var adminPrivateKey: String?
    @Option(help: "The protocol version to speak (0.4.0, 0.2.0, 0.1.1).") var protocolVersion: String = "0.4.0"

    func client() throws -> KBSClient {
        guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
            throw ValidationError("--url \(url) is not an http(s) URL")
        }
        guard let version = ProtocolVersion(rawValue: protocolVersion) else {
            throw ValidationError("--protocol-version must be one of \(ProtocolVersion.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return KBSClient(transport: URLSessionTransport(baseURL: base), version: version)
    }

    func adminToken() async throws -> String {
        guard let adminPrivateKey else { throw ValidationError("this command needs --admin-private-key") }
        return try await AdminToken.make(privateKeyPEM: try readText(adminPrivateKey))
    }
}

func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw ValidationError("cannot read \(path)")
    }
    return text
}

/// `hermetic kbs`: the tenant's and the guest's side of the broker.
struct KBSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kbs",
        abstract: "Talk to a Key Broker Service: admin commands, and attest/get-resource as a guest.",
        subcommands: [SetResource.self, DeleteResource.self, SetAttestationPolicy.self, SetResourcePolicy.self,
                      SetReferenceValue.self, GetReferenceValue.self, Attest.self, GetResource.self]
    )

    /// `--url`, `--admin-private-key` and `--protocol-version` come before the subcommand, as in
    /// `hermetic kbs --url URL set-resource …`.
    @OptionGroup var options: KBSOptions

    struct SetResource: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-resource", abstract: "Store a resource (admin).")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @Option(help: "repo/type/tag") var path: String
        @Option(help: "The file whose bytes become the resource.") var file: String
        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            try await options.client().setResource(path, value: [UInt8](data), adminToken: try await options.adminToken())
        }
    }

    struct DeleteResource: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete-resource", abstract: "Delete a resource (admin).")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @Option(help: "repo/type/tag") var path: String
        func run() async throws { try await options.client().deleteResource(path, adminToken: try await options.adminToken()) }
    }

    struct SetAttestationPolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-attestation-policy", abstract: "Store an attestation policy (admin).")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @Option(help: "The policy id (default_cpu, default_gpu, ...).") var id: String = "default_cpu"
        @Option(help: "The Rego file.") var file: String
        func run() async throws {
            try await options.client().setAttestationPolicy(id: id, rego: try readText(file), adminToken: try await options.adminToken())
        }
    }

    struct SetResourcePolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-resource-policy", abstract: "Store the resource policy (admin).")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @Option(help: "The Rego file.") var file: String
        func run() async throws { try await options.client().setResourcePolicy(rego: try readText(file), adminToken: try await options.adminToken()) }
    }

    struct SetReferenceValue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-reference-value", abstract: "Store a reference value (admin).")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @Option(help: "The reference value id.") var name: String
        @Option(help: "The value as JSON, e.g. '[\"abcde\"]'.") var value: String
        func run() async throws {
            guard let json = try? JSONValue(parsing: value.utf8) else { throw ValidationError("--value is not JSON") }
            try await options.client().setReferenceValues([name: json], adminToken: try await options.adminToken())
        }
    }

    struct GetReferenceValue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get-reference-value", abstract: "Print a reference value (admin).")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @Option(help: "The reference value id.") var id: String
        func run() async throws { print(try await options.client().referenceValue(id, adminToken: try await options.adminToken()).serialized()) }
    }

    /// Guest options: the evidence source and the TEE key.
    struct GuestOptions: ParsableArguments {
        @Option(help: "The evidence source: sample, or fake-snp (fresh real-layout SNP reports from the development chip in --fake-snp-chip).")
        var tee: String = "sample"
        @Option(help: "The TEE key: p256, p521, rsa-oaep-256 or rsa1_5.") var keyType: String = "p256"
        @Option(name: .customLong("fake-snp-chip"), help: """
            fake-snp: the directory holding the development chip (created with a new chip when empty). Start the broker with             --snp-collateral DIR/\(FakeSNPChip.rootsFileName) so it trusts this chip, and only this broker.
            """)
        var fakeSNPChip: String?

        func source() throws -> any EvidenceSource {
            switch tee {
            case "sample":
                return SampleEvidenceSource()
            case "fake-snp":
                guard let fakeSNPChip else { throw ValidationError("--tee fake-snp needs --fake-snp-chip DIR") }
                do {
                    return FakeSNPEvidenceSource(chip: try FakeSNPChip.loadOrCreate(in: fakeSNPChip))
                } catch {
                    throw ValidationError("--fake-snp-chip \(fakeSNPChip): \(error)")
                }
            default:
                throw ValidationError("--tee \(tee): the command line's evidence sources are sample and fake-snp")
            }
        }

        func key() throws -> PrivateJWK {
            switch keyType {
            case "p256": return .generateEC(.p256)
            case "p521": return .generateEC(.p521)
            case "rsa-oaep-256": return try .generateRSA(algorithm: .rsaOAEP256)
            case "rsa1_5": return try .generateRSA(algorithm: .rsa1_5)
            default: throw ValidationError("--key-type must be p256, p521, rsa-oaep-256 or rsa1_5")
            }
        }
    }

    struct Attest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "attest", abstract: "Run RCAR as a guest and print the EAR token.")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @OptionGroup var guest: GuestOptions
        func run() async throws {
            print(try await options.client().attest(evidence: try guest.source(), key: try guest.key()).token)
        }
    }

    struct GetResource: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get-resource", abstract: "Attest, fetch a resource and write it, decrypted, to standard output.")
        @ParentCommand var kbs: KBSCommand
        var options: KBSOptions { kbs.options }
        @OptionGroup var guest: GuestOptions
        @Option(help: "repo/type/tag") var path: String
        func run() async throws {
            let key = try guest.key()
            let client = try options.client()
            let attested = try await client.attest(evidence: try guest.source(), key: key)
            FileHandle.standardOutput.write(Data(try await client.resource(path, attested: attested, key: key)))
        }
    }
}
