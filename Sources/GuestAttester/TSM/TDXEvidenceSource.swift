import HermeticCore
import KBSClient

/// TDX evidence through configfs-tsm (provider `tdx_guest`): Trustee's `tdx` evidence JSON, the quote and the CC
/// event log (the ACPI CCEL table, then the AAEL when one is kept), both base64.
public struct TDXEvidenceSource: EvidenceSource {
    /// The configfs-tsm driver.
    public let driver: TSMReport
    /// The CCEL table (`/sys/firmware/acpi/tables/data/CCEL`), if read.
    public let ccelPath: String?

    /// Creates a source.
    public init(driver: TSMReport, ccelPath: String? = "/sys/firmware/acpi/tables/data/CCEL") {
        self.driver = driver
        self.ccelPath = ccelPath
    }

    public var tee: TEE { .tdx }

    /// The quote binding `reportData`.
    public func quote(reportData: [UInt8]) throws(GuestAttesterError) -> [UInt8] {
        try driver.report(inblob: reportData).outblob
    }

    public func evidence(reportData: [UInt8]) async throws -> JSONValue {
        let quote = try quote(reportData: reportData)
        let log = ccelPath.flatMap { try? GuestFiles.read($0) }
        return .object(["quote": .string(Base64.encode(quote)), "cc_eventlog": log.map { .string(Base64.encode($0)) } ?? .null])
    }
}
