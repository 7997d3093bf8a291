import GuestAttester
import TPM

/// Everything the agent reads from the machine, each path configurable so tests run against temporary trees.
public struct AgentConfiguration: Sendable {
    /// The TEE whose evidence the agent sends.
    public enum TEEKind: String, Sendable, Hashable, CaseIterable {
        /// A (v)TPM through `tpmDevice`.
        case tpm
        /// SEV-SNP through configfs-tsm (or `/dev/sev-guest` with ``sevGuestDevice``).
        case snp
        /// TDX through configfs-tsm.
        case tdx
    }

    /// The TEE.
    public var tee: TEEKind
    /// The broker, `http://HOST[:PORT]`.
    public var kbsURL: String
    /// The init-data file (QEMU fw_cfg).
    public var initDataPath: String? = "/sys/firmware/qemu_fw_cfg/by_name/opt/hermetic/initdata/raw"
    /// The TPM device.
    public var tpmDevice = "/dev/tpmrm0"
    /// The firmware's TCG event log.
    public var eventLogPath = "/sys/kernel/security/tpm0/binary_bios_measurements"
    /// configfs-tsm's report directory.
    public var tsmRoot = "/sys/kernel/config/tsm/report"
    /// `/dev/sev-guest`, when SNP reports go through the ioctl rather than configfs-tsm.
    public var sevGuestDevice: String?
    /// The runtime-measurement log: the text AAEL on a TPM, TCG2 `EV_EVENT_TAG` entries on TDX.
    public var aaelPath = "/run/hermetic/aael"
    /// The runtime-measurement PCR.
    public var runtimePCR = TPMPCRRegister.defaultRuntimePCR
    /// TDX: the measurement registers' sysfs directory (Linux 6.16 and later); runtime events extend its RTMR3.
    public var tdxMeasurementsDirectory = TDXRTMRRegister.defaultDirectory
    /// TDX: the CCEL table, the firmware's event log; `nil` when there is none.
    public var ccelPath: String? = TDXEvidenceSource.defaultCCELPath

    /// A configuration with the defaults for everything but the TEE and the broker.
    public init(tee: TEEKind, kbsURL: String) {
        self.tee = tee
        self.kbsURL = kbsURL
    }
}
