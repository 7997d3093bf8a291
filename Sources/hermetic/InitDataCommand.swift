import ArgumentParser
import Foundation
import HermeticCore
import InitData

/// `hermetic initdata`: Trustee/Kata init-data documents.
struct InitDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "initdata",
        abstract: "Compute the digest of a Trustee/Kata init-data document and where each platform binds it.",
        subcommands: [Digest.self]
    )

    /// `hermetic initdata digest FILE`.
    struct Digest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the init-data digest and the value each platform carries (SNP HOST_DATA, TDX MRCONFIGID, TPM PCR 8).",
            discussion: """
                The digest is the document's own algorithm over the file's bytes exactly as given, so keep the file
                byte for byte as the host passes it. HOST_DATA is the digest truncated or zero-padded to 32 bytes,
                MRCONFIGID to 48; PCR 8 is sha256(0^32 || digest), for sha256 documents only. An unreadable or invalid
                document exits 2.
                """
        )

        @Argument(help: "The init-data TOML file.")
        var file: String

        @Flag(help: "Print one JSON object.")
        var json = false

        func run() throws {
            let initData = try InitDataFile.read(file)
            let pcr8 = try? initData.pcr8()
            if json {
                var object: [String: JSONValue] = [
                    "file": .string(file),
                    "version": .string(initData.version),
                    "algorithm": .string(initData.algorithm.rawValue),
                    "digest": .string(Hex.encode(initData.digest)),
                    "snp_host_data": .string(Hex.encode(initData.snpHostData)),
                    "tdx_mr_config_id": .string(Hex.encode(initData.tdxMRConfigID)),
                    "data_keys": .array(initData.data.keys.sorted().map { .string($0) }),
                ]
                object["tpm_pcr8"] = pcr8.map { .string(Hex.encode($0)) } ?? .null
                print(JSONValue.object(object).canonicalJSON())
                return
            }
            print("algorithm:      \(initData.algorithm.rawValue)")
            print("digest:         \(Hex.encode(initData.digest))")
            print("snp HOST_DATA:  \(Hex.encode(initData.snpHostData))")
            print("tdx MRCONFIGID: \(Hex.encode(initData.tdxMRConfigID))")
            if let pcr8 {
                print("tpm PCR8:       \(Hex.encode(pcr8))  (sha256 bank, extended once from zero)")
            } else {
                print("tpm PCR8:       none (the agent extends PCR 8 only with a sha256 digest)")
            }
        }
    }
}

/// Reading an init-data file for the commands, with errors that name the file.
enum InitDataFile {
    /// The init-data document at `path`.
    static func read(_ path: String) throws -> InitData {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw InputError(description: "cannot read init-data file \(path)")
        }
        do {
            return try InitData(bytes: [UInt8](contents))
        } catch {
            throw InputError(description: "\(path): \(error.description)")
        }
    }

    /// The expected init-data digest an `--expect-host-data`/`--expect-mrconfigid` value gives: hex bytes, or the
    /// path of an init-data file whose digest is used (the verifier fits it to the platform's field).
    static func expectation(_ argument: String, option: String) throws -> ExpectedData {
        if FileManager.default.fileExists(atPath: argument) {
            return .value(try read(argument).digest)
        }
        guard let bytes = Hex.decode(argument) else {
            throw ValidationError("\(option) \"\(argument)\" is neither hexadecimal nor an init-data file")
        }
        return .value(bytes)
    }
}
