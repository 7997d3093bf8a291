import Foundation

/// A vTPM's state directory made by `swtpm_setup`: EK (RSA and ECC) and platform certificates issued by swtpm's
/// local CA, kept beside the state in a private CA directory (nothing is written to /var/lib/swtpm-localca), and
/// only the PCR banks asked for active (OVMF hashes the kernel and initrd once per active bank).
public struct SwtpmState: Sendable, Hashable {
    /// The TPM state directory (`--tpmstate dir=`).
    public let directory: String
    /// The local CA's directory.
    public let caDirectory: String
    /// The active PCR banks, e.g. `["sha256"]`.
    public let banks: [String]

    /// The local CA's root certificate (PEM), which the EK and platform certificates chain to.
    public var rootCertificatePath: String { "\(caDirectory)/swtpm-localca-rootca-cert.pem" }
    /// The local CA's intermediate certificate (PEM), the EK certificate's issuer.
    public var issuerCertificatePath: String { "\(caDirectory)/issuercert.pem" }

    /// Makes a TPM under `base` (`base/state`, `base/localca`) with EK and platform certificates.
    ///
    /// - Throws: ``SandboxError/Code/toolMissing`` without swtpm_setup or swtpm_localca;
    ///   ``SandboxError/Code/launch`` when swtpm_setup fails.
    ///
    /// With `caDirectory`, the local CA lives there instead and is kept: swtpm_localca makes its root and issuer on
    /// first use and signs every later TPM's EK certificate with them, so a broker started with that CA's
    /// certificates (`serve --tpm-ek-root`) accepts EK binding from every VM made with it.
    public static func create(in base: String, banks: [String] = ["sha256"], caDirectory: String? = nil) throws(SandboxError) -> SwtpmState {
        let setup = try HostTools.require("swtpm_setup", package: "swtpm-tools")
        let localCA = try HostTools.require("swtpm_localca", package: "swtpm-tools")
        let state = SwtpmState(directory: "\(base)/state", caDirectory: caDirectory ?? "\(base)/localca", banks: banks)
        let caConfig = "\(base)/localca.conf"
        let caOptions = "\(base)/localca.options"
        let setupConfig = "\(base)/swtpm_setup.conf"
        do {
            for directory in [state.directory, state.caDirectory] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            try """
                statedir = \(state.caDirectory)
                signingkey = \(state.caDirectory)/signkey.pem
                issuercert = \(state.caDirectory)/issuercert.pem
                certserial = \(state.caDirectory)/certserial

                """.write(toFile: caConfig, atomically: true, encoding: .utf8)
            try "--platform-manufacturer Hermetic\n--platform-version 2.1\n--platform-model QEMU\n"
                .write(toFile: caOptions, atomically: true, encoding: .utf8)
            try """
                create_certs_tool = \(localCA)
                create_certs_tool_config = \(caConfig)
                create_certs_tool_options = \(caOptions)

                """.write(toFile: setupConfig, atomically: true, encoding: .utf8)
        } catch {
            throw SandboxError(.launch, "cannot prepare the vTPM directory \(base): \(error)")
        }
        let result = try HostTools.run(setup, [
            "--tpm2", "--tpmstate", state.directory, "--config", setupConfig, "--pcr-banks", banks.joined(separator: ","),
            "--create-ek-cert", "--create-platform-cert", "--overwrite",
        ])
        guard result.status == 0 else {
            throw SandboxError(.launch, "swtpm_setup exited \(result.status): \(result.output.suffix(600))")
        }
        return state
    }
}
