import ArgumentParser
import Foundation
import HermeticCore
import ImageCrypt
import JOSE
import OCI

/// `hermetic image …`: ocicrypt-compatible image encryption over OCI image layouts.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Encrypt and decrypt container images (ocicrypt layer encryption, JWE recipients) in OCI layouts.",
        subcommands: [Encrypt.self, Decrypt.self]
    )

    struct Encrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encrypt an image's layers for one or more recipients (as skopeo copy --encryption-key does)."
        )

        @Option(help: "The source image, oci:DIR[:TAG].") var src: String
        @Option(help: "The destination, oci:DIR[:TAG]; created, or given the tag if it is a layout already.") var dest: String
        @Option(name: .customLong("recipient"), help: "jwe:PUBLIC.pem (RSA or EC P-256/P-384/P-521 SubjectPublicKeyInfo); repeatable.")
        var recipients: [String] = []
        @Option(help: "Comma-separated layer positions to encrypt (0 is the base, -1 the top); all when absent.")
        var layers: String?

        func run() async throws {
            try await ImageCommand.reportingFailures {
                let keys = try recipients.map(ImageCommand.recipientKey)
                let selection = try layers.map(ImageCommand.layerSelection) ?? .all
                let encryptor = try ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: keys)], layers: selection)
                let descriptor = try await encryptor.encrypt(from: try LayoutReference(parsing: src), to: try LayoutReference(parsing: dest))
                print("encrypted: \(dest) \(descriptor.digest)")
            }
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

        func run() async throws {
            try await ImageCommand.reportingFailures {
                guard !keys.isEmpty else { throw ImageCryptError(.malformed, "give --key PRIVATE.pem") }
                let privateKeys = try keys.map(ImageCommand.privateKey)
                let decryptor = try ImageDecryptor(unwrappers: [JWEKeyUnwrapper(keys: privateKeys)])
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
