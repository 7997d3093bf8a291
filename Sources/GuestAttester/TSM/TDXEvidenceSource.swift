import HermeticCore
import KBSClient

/// TDX evidence through configfs-tsm (provider `tdx_guest`): Trustee's `tdx` evidence JSON, the quote and the CC
/// event log, both base64. The event log is assembled as guest-components does (``CCEventLogAssembly``): the CCEL
/// table cut at its padding, the runtime events extended into RTMR3, eight 0xFF bytes.
public struct TDXEvidenceSource: EvidenceSource {
    /// Where Linux exposes the ACPI CCEL table, the firmware's CC event log.
    public static let defaultCCELPath = "/sys/firmware/acpi/tables/data/CCEL"
    /// The configfs-tsm driver.
    public let driver: TSMReport
    /// The CCEL table (`/sys/firmware/acpi/tables/data/CCEL`), if read.
    public let ccelPath: String?
    /// The runtime measurements (TCG2 form) whose events follow the CCEL, if kept.
    public let measurements: RuntimeMeasurements?

    /// Creates a source.
    public init(driver: TSMReport, ccelPath: String? = defaultCCELPath, measurements: RuntimeMeasurements? = nil) {
        self.driver = driver
        self.ccelPath = ccelPath
        self.measurements = measurements
    }

    public var tee: TEE { .tdx }

    /// The quote binding `reportData`.
    public func quote(reportData: [UInt8]) throws(GuestAttesterError) -> [UInt8] {
        try driver.report(inblob: reportData).outblob
    }

    /// The CCEL table as the firmware wrote it, or `nil` when there is none to read.
    public func firmwareEventLog() -> [UInt8]? {
        ccelPath.flatMap { try? GuestFiles.read($0) }
    }

    /// The quote and the event log, taken while no runtime event can be recorded, so that the log replays to the
    /// quoted RTMR3.
    ///
    /// - Throws: ``GuestAttesterError`` from the quote, or `malformedReport` when the CCEL table does not parse.
    public func evidence(reportData: [UInt8]) async throws -> JSONValue {
        let ccel = firmwareEventLog()
        let (quote, log): ([UInt8], [UInt8]?)
        if let measurements {
            (quote, log) = try measurements.withLog { runtime in
                (try self.quote(reportData: reportData), try CCEventLogAssembly.assemble(ccel: ccel, runtimeEvents: runtime))
            }
        } else {
            (quote, log) = (try self.quote(reportData: reportData), try CCEventLogAssembly.assemble(ccel: ccel, runtimeEvents: []))
        }
        return .object(["quote": .string(Base64.encode(quote)), "cc_eventlog": log.map { .string(Base64.encode($0)) } ?? .null])
    }
}
