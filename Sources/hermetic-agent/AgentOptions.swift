import ArgumentParser
import GuestAgent
import GuestAttester
import KBSClient

/// The options every subcommand shares: the TEE, the broker, and the paths the agent reads.
struct AgentOptions: ParsableArguments {
    @Option(help: "The TEE whose evidence is sent: tpm, snp or tdx.")
    var tee: String

    @Option(help: "The broker, http://HOST[:PORT].")
    var kbs: String

    @Option(help: "The init-data file (QEMU fw_cfg in the VM).")
    var initdata: String?

    @Option(help: "The TPM device.")
    var tpmDevice = "/dev/tpmrm0"

    @Option(help: "The firmware's TCG event log.")
    var eventLog = "/sys/kernel/security/tpm0/binary_bios_measurements"

    @Option(help: "configfs-tsm's report directory.")
    var tsmRoot = "/sys/kernel/config/tsm/report"

    @Option(help: "Use /dev/sev-guest (this path) instead of configfs-tsm for SNP.")
    var sevGuest: String?

    @Option(help: "The AAEL runtime-measurement log.")
    var aael = "/run/hermetic/aael"

    @Option(help: "TDX: the measurement registers' sysfs directory (Linux 6.16+); runtime events extend RTMR3.")
    var tdxMeasurements = TDXRTMRRegister.defaultDirectory

    @Option(help: "TDX: the CCEL table (the firmware's event log).")
    var ccel = TDXEvidenceSource.defaultCCELPath

    func configuration() throws -> AgentConfiguration {
        guard let kind = AgentConfiguration.TEEKind(rawValue: tee) else {
            throw AgentExit.fail(GuestAttesterError(.badInput, "--tee must be one of tpm, snp, tdx (got \(tee))"))
        }
        do { _ = try HTTPTransport(url: kbs) } catch { throw AgentExit.fail(GuestAttesterError(.badInput, "--kbs: \(error)")) }
        var configuration = AgentConfiguration(tee: kind, kbsURL: kbs)
        configuration.initDataPath = initdata
        configuration.tpmDevice = tpmDevice
        configuration.eventLogPath = eventLog
        configuration.tsmRoot = tsmRoot
        configuration.sevGuestDevice = sevGuest
        configuration.aaelPath = aael
        configuration.tdxMeasurementsDirectory = tdxMeasurements
        configuration.ccelPath = ccel
        return configuration
    }
}
