/// One measured event of a TCG event log (PC Client Platform Firmware Profile, `TCG_PCR_EVENT2`, or the legacy SHA-1
/// `TCG_PCR_EVENT`): the PCR or measurement register index, the event type, one digest per algorithm, and the data.
///
/// In a TDX CC event log the index is the MR index: 0 for MRTD, 1–4 for RTMR0–3; in a TPM log it is the PCR (and may be
/// any 32-bit value, such as 0xFFFFFFFF in some option-ROM logs).
public struct TCGEvent: Sendable, Hashable {
    /// One digest of the event.
    public struct Digest: Sendable, Hashable {
        /// The TCG algorithm ID (`TPM_ALG_SHA384` = 0x000C).
        public let algorithm: UInt16
        /// The digest bytes.
        public let bytes: [UInt8]

        /// Creates a digest.
        public init(algorithm: UInt16, bytes: [UInt8]) {
            self.algorithm = algorithm
            self.bytes = bytes
        }
    }

    /// The PCR or MR index.
    public let index: UInt32
    /// The event type (`EV_*`).
    public let type: UInt32
    /// The digests, in log order.
    public let digests: [Digest]
    /// The event data.
    public let data: [UInt8]

    /// Creates an event.
    public init(index: UInt32, type: UInt32, digests: [Digest], data: [UInt8]) {
        self.index = index
        self.type = type
        self.digests = digests
        self.data = data
    }

    /// `EV_NO_ACTION`: informational, never extended into a PCR.
    public static let noAction: UInt32 = 0x3
    /// `EV_EVENT_TAG`: tagged event data (guest-components' runtime events on TDX).
    public static let eventTag: UInt32 = 0x6

    /// The TCG name of the event type, as Trustee reports it (`EV_SEPARATOR`, `EV_EFI_ACTION`, …).
    public var typeName: String {
        Self.typeNames[type] ?? "UNKNOWN(0x\(String(type, radix: 16)))"
    }

    private static let typeNames: [UInt32: String] = [
        0x0: "EV_PREBOOT_CERT", 0x1: "EV_POST_CODE", 0x2: "EV_UNUSED", 0x3: "EV_NO_ACTION", 0x4: "EV_SEPARATOR",
        0x5: "EV_ACTION", 0x6: "EV_EVENT_TAG", 0x7: "EV_S_CRTM_CONTENTS", 0x8: "EV_S_CRTM_VERSION", 0x9: "EV_CPU_MICROCODE",
        0xA: "EV_PLATFORM_CONFIG_FLAGS", 0xB: "EV_TABLE_OF_DEVICES", 0xC: "EV_COMPACT_HASH", 0xD: "EV_IPL",
        0xE: "EV_IPL_PARTITION_DATA", 0xF: "EV_NONHOST_CODE", 0x10: "EV_NONHOST_CONFIG", 0x11: "EV_NONHOST_INFO",
        0x12: "EV_OMIT_BOOT_DEVICE_EVENTS", 0x13: "EV_POST_CODE2",
        0x8000_0000: "EV_EFI_EVENT_BASE", 0x8000_0001: "EV_EFI_VARIABLE_DRIVER_CONFIG", 0x8000_0002: "EV_EFI_VARIABLE_BOOT",
        0x8000_0003: "EV_EFI_BOOT_SERVICES_APPLICATION", 0x8000_0004: "EV_EFI_BOOT_SERVICES_DRIVER",
        0x8000_0005: "EV_EFI_RUNTIME_SERVICES_DRIVER", 0x8000_0006: "EV_EFI_GPT_EVENT", 0x8000_0007: "EV_EFI_ACTION",
        0x8000_0008: "EV_EFI_PLATFORM_FIRMWARE_BLOB", 0x8000_0009: "EV_EFI_HANDOFF_TABLES",
        0x8000_000A: "EV_EFI_PLATFORM_FIRMWARE_BLOB2", 0x8000_000B: "EV_EFI_HANDOFF_TABLES2", 0x8000_000C: "EV_EFI_VARIABLE_BOOT2",
        0x8000_000D: "EV_EFI_GPT_EVENT2", 0x8000_0010: "EV_EFI_HCRTM_EVENT", 0x8000_00E0: "EV_EFI_VARIABLE_AUTHORITY",
        0x8000_00E1: "EV_EFI_SPDM_FIRMWARE_BLOB", 0x8000_00E2: "EV_EFI_SPDM_FIRMWARE_CONFIG",
    ]

    /// The TCG name of a digest algorithm, as Trustee reports it (`SHA-384`).
    public static func algorithmName(_ algorithm: UInt16) -> String {
        switch algorithm {
        case 0x0004: return "SHA-1"
        case 0x000B: return "SHA-256"
        case 0x000C: return "SHA-384"
        case 0x000D: return "SHA-512"
        case 0x0012: return "SM3"
        default: return "0x" + String(algorithm, radix: 16)
        }
    }
}
