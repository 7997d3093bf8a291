import ArgumentParser
import Foundation
import HermeticCore
import ImageCrypt
import ImageCryptKBS
import JOSE
import KeyBroker
import OCI

/// `hermetic image …`: ocicrypt-compatible image encryption over OCI image layouts.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Encrypt and decrypt container images in OCI layouts (ocicrypt layer encryption; JWE recipients and the CoCo key provider).",
        subcommands: [Encrypt.self, Decrypt.self, Unpack.self, Pull.self, Push.self]
    )

    struct Encrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt an image's layers for one or more recipients (as skopeo copy --encryption-key does)."
        )

        @Option(help: "The source image, oci:DIR[:TAG].") var src: String
        @Option(help: "The destination, oci:DIR[:TAG]; created, or given the tag if it is a layout already.") var dest: String
        @Option(
            name: .customLong("recipient"),
            help: "jwe:PUBLIC.pem (RSA or EC P-256/P-384/P-521 SubjectPublicKeyInfo) or kbs:///repo/type/tag (the CoCo key provider); repeatable."
        )
        var recipients: [String] = []
        @Option(help: "Comma-separated layer positions to encrypt (0 is the base, -1 the top); all when absent.")
        var layers: String?
        @Option(help: "For a kbs:// recipient: a file holding the 32-byte key-encryption key already stored in the broker.")
        var kek: String?
        @Option(help: "For a kbs:// recipient: the broker's URL; a fresh key-encryption key is stored there (needs --admin-key).")
        var kbs: String?
        @Option(help: "The broker admin private key (PEM, Ed25519 or P-256), with --kbs.")
        var adminKey: String?

        func run() async throws {
            try await ImageCommand.reportingFailures {
                var wrappers: [any LayerKeyWrapper] = []
                let jwe = try recipients.filter { $0.hasPrefix("jwe:") }.map(ImageCommand.recipientKey)
                if !jwe.isEmpty { wrappers.append(JWEKeyWrapper(recipients: jwe)) }
                for kid in recipients where kid.hasPrefix("kbs:") || kid.hasPrefix("kbs+") {
                    wrappers.append(try await keyProviderWrapper(kid))
                }
                if let other = recipients.first(where: { !$0.hasPrefix("jwe:") && !$0.hasPrefix("kbs:") && !$0.hasPrefix("kbs+") }) {
                    throw ImageCryptError(.unsupported, "recipient \"\(other)\" is not jwe:PUBLIC.pem or kbs:///repo/type/tag")
                }
                let selection = try layers.map(ImageCommand.layerSelection) ?? .all
                let encryptor = try ImageEncryptor(wrappers: wrappers, layers: selection)
                let descriptor = try await encryptor.encrypt(from: try LayoutReference(parsing: src), to: try LayoutReference(parsing: dest))
                print("encrypted: \(dest) \(descriptor.digest)")
            }
        }

        private func keyProviderWrapper(_ kid: String) async throws -> KeyProviderWrapper {
            if let kbs {
                guard let adminKey else { throw ImageCryptError(.malformed, "--kbs needs --admin-key to store the key-encryption key") }
                let options = try KBSOptions.parse(["--url", kbs, "--admin-private-key", adminKey])
                return try await BrokerKeyProvisioning.provision(kid: kid, client: try options.client(), adminToken: try await options.adminToken())
            }
            guard let kek else { throw ImageCryptError(.malformed, "a kbs:// recipient needs --kek FILE or --kbs URL --admin-key PEM") }
            guard let bytes = FileManager.default.contents(atPath: kek) else { throw ImageCryptError(.malformed, "cannot read the key-encryption key \(kek)") }
            return try KeyProviderWrapper(kid: kid, kek: [UInt8](bytes))
        }
    }

    struct Decrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt an image's encrypted layers with a private key (as skopeo copy --decryption-key does)."
        )

        @Option(help: "The encrypted image, oci:DIR[:TAG].") var src: String
        @Option(help: "The destination, oci:DIR[:TAG].") var dest: String
        @Option(name: .customLong("key"), help: "A private key PEM (PKCS#8, PKCS#1 RSA or SEC1 EC); repeatable.")
        var keys: [String] = []
        @Option(help: "The key broker's URL: attest to it and fetch each kbs:// layer's key-encryption key.")
        var kbs: String?
        @Option(help: "With --kbs: the evidence source (sample is the only one without hardware).")
        var tee: String = "sample"

        func run() async throws {
            try await ImageCommand.reportingFailures {
                guard !keys.isEmpty || kbs != nil else { throw ImageCryptError(.malformed, "give --key PRIVATE.pem or --kbs URL --tee TEE") }
                var unwrappers: [any LayerKeyUnwrapper] = []
                if !keys.isEmpty { unwrappers.append(JWEKeyUnwrapper(keys: try keys.map(ImageCommand.privateKey))) }
                if let kbs {
                    let guest = try KBSCommand.GuestOptions.parse(["--tee", tee])
                    let client = try KBSOptions.parse(["--url", kbs]).client()
                    unwrappers.append(KeyProviderUnwrapper(source: BrokerKeySource(client: client, evidence: try guest.source())))
                }
                let decryptor = try ImageDecryptor(unwrappers: unwrappers)
                let descriptor = try await decryptor.decrypt(from: try LayoutReference(parsing: src), to: try LayoutReference(parsing: dest))
                print("decrypted: \(dest) \(descriptor.digest)")
            }
        }
    }

    /// Runs `body`, printing a classified failure on one line and exiting with its code (1, 2 or 3).
    static func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as any ClassifiedError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus(error.kind).rawValue)
        } catch let error as JOSEError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
    }

    static func recipientKey(_ text: String) throws -> PublicJWK {
        guard text.hasPrefix("jwe:") else {
            throw ImageCryptError(.unsupported, "recipient \"\(text)\" is not jwe:PUBLIC.pem")
        }
        let path = String(text.dropFirst(4))
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageCryptError(.malformed, "cannot read the recipient key \(path)")
        }
        do {
            return try PublicJWK(pem: String(decoding: data, as: UTF8.self))
        } catch let error as JOSEError {
            throw ImageCryptError(.malformed, "\(path): \(error.message)")
        }
    }

    static func privateKey(_ path: String) throws -> PrivateJWK {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImageCryptError(.malformed, "cannot read the private key \(path)")
        }
        do {
            return try PrivateJWK(pem: String(decoding: data, as: UTF8.self))
        } catch let error as JOSEError {
            throw ImageCryptError(.malformed, "\(path): \(error.message)")
        }
    }

    static func layerSelection(_ text: String) throws -> LayerSelection {
        let positions = try text.split(separator: ",").map { part -> Int in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ImageCryptError(.malformed, "--layers \"\(text)\" is not a comma-separated list of integers")
            }
            return value
        }
        guard !positions.isEmpty else { throw ImageCryptError(.malformed, "--layers is empty") }
        return .indices(positions)
    }
}
