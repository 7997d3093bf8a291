import ArgumentParser
import Foundation
import HermeticCore
import TPM

/// `hermetic tpm …`: talk to a TPM with Hermetic's own TPM 2.0 client.
struct TPMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tpm",
        abstract: "Produce TPM evidence with Hermetic's TPM 2.0 client (device file or swtpm).",
        subcommands: [Quote.self]
    )

    /// Which TPM, shared by the subcommands.
    struct TPMOptions: ParsableArguments {
        @Option(name: .customLong("tpm"), help: "The TPM: a device path (default /dev/tpmrm0, or $HERMETIC_TPM) or swtpm:host=127.0.0.1,port=2321[,ctrl=2322].")
        var tpm: String?

        @Flag(name: .customLong("power-on"), help: "swtpm: power the TPM on through the control port first (CMD_INIT), then TPM2_Startup.")
        var powerOn = false

        func client() throws -> TPMClient {
            let spec = tpm ?? ProcessInfo.processInfo.environment["HERMETIC_TPM"] ?? "/dev/tpmrm0"
            if spec.hasPrefix("swtpm:") {
                guard let transport = SwtpmTransport(tcti: spec) else { throw ValidationError("--tpm \"\(spec)\" is not swtpm:host=H,port=P[,ctrl=C]") }
                if powerOn { try transport.powerOn() }
                return TPMClient(transport: transport)
            }
            let path = spec.hasPrefix("device:") ? String(spec.dropFirst(7)) : spec
            return TPMClient(transport: try DeviceTransport(path: path))
        }
    }

    /// `hermetic tpm quote --pcrs sha256:0,16 --nonce HEX`.
    struct Quote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Quote PCRs with a fresh AK and write evidence that `hermetic verify --tee tpm` accepts.",
            discussion: """
                The AK is created as a primary key in the endorsement hierarchy (RSA 2048 RSASSA-SHA256, or ECC P-256
                ECDSA-SHA256) and flushed afterwards. The evidence JSON carries the AK's TPM2B_PUBLIC; a verifier must
                trust that key by other means (--ak-public writes it for use as --collateral).
                """
        )

        @OptionGroup var target: TPMOptions

        @Option(help: "The PCRs to quote, in tpm2-tools' syntax (sha256:0,16+sha1:0).")
        var pcrs: String

        @Option(help: "The qualifying data (nonce) in hex, at most 64 bytes.")
        var nonce: String

        @Option(help: "The AK type: rsa or ecc.")
        var ak: String = "rsa"

        @Option(help: "Write the evidence JSON here (default: stdout).")
        var output: String?

        @Option(name: .customLong("ak-public"), help: "Also write the AK as TPM2B_PUBLIC here.")
        var akPublic: String?

        @Option(name: .customLong("tpm2-tools"), help: "Also write PREFIX.msg, PREFIX.sig and PREFIX.pcrs (tpm2_checkquote's inputs).")
        var tpm2Tools: String?

        func run() async throws {
            guard let selection = PCRSelection(text: pcrs) else { throw ValidationError("--pcrs \"\(pcrs)\" is not like sha256:0,16+sha1:0") }
            guard let nonceBytes = Hex.decode(nonce), nonceBytes.count <= 64 else { throw ValidationError("--nonce must be hex, at most 64 bytes") }
            let template: KeyTemplate
            switch ak {
            case "rsa": template = .akRSA
            case "ecc": template = .akECC
            default: throw ValidationError("--ak must be rsa or ecc")
            }
            do {
                let client = try target.client()
                if target.powerOn { try client.startup() }
                let evidence = try client.attest(ak: template, nonce: nonceBytes, selection: selection)
                let json = try evidence.hermeticJSON().serialized(pretty: true) + "\n"
                if let output { try Data(json.utf8).write(to: URL(fileURLWithPath: output)) } else { print(json, terminator: "") }
                if let akPublic, let area = evidence.attestationKey?.publicArea {
                    try Data(area.sizedBytes).write(to: URL(fileURLWithPath: akPublic))
                }
                if let tpm2Tools {
                    let files = try evidence.tpm2ToolsFiles()
                    try Data(files.message).write(to: URL(fileURLWithPath: tpm2Tools + ".msg"))
                    try Data(files.signature).write(to: URL(fileURLWithPath: tpm2Tools + ".sig"))
                    try Data(files.pcrs).write(to: URL(fileURLWithPath: tpm2Tools + ".pcrs"))
                }
            } catch let error as TPMError {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(ExitStatus(error.kind).rawValue)
            }
        }
    }
}
