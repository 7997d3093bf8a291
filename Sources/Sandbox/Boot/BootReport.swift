import Foundation
import HermeticCore

/// What the guest's busybox `/init` reports over the control port after `READY` (``GuestInit``): the TCG event log
/// from securityfs, the PCR values the kernel exposes in sysfs, and the digest of the init-data it found on fw_cfg.
public struct BootReport: Sendable, Hashable {
    /// The raw `binary_bios_measurements`.
    public let eventLog: [UInt8]
    /// PCR values read in the guest: TPM algorithm id → index → value.
    public let pcrs: [UInt16: [UInt32: [UInt8]]]
    /// SHA-256 of the init-data the guest read from fw_cfg, if it had any.
    public let initDataDigest: [UInt8]?
    /// For each URL the command line asked the guest to fetch (`hermetic.fetch=`), the SHA-256 of the body, or nil
    /// when the fetch failed.
    public let fetches: [String: [UInt8]?]

    /// A report from its parts.
    public init(eventLog: [UInt8], pcrs: [UInt16: [UInt32: [UInt8]]], initDataDigest: [UInt8]?, fetches: [String: [UInt8]?] = [:]) {
        self.eventLog = eventLog
        self.pcrs = pcrs
        self.initDataDigest = initDataDigest
        self.fetches = fetches
    }

    /// The TPM algorithm id of a sysfs bank name (`sha1`, `sha256`, `sha384`, `sha512`).
    public static func algorithm(_ bank: String) -> UInt16? {
        ["sha1": 0x0004, "sha256": 0x000B, "sha384": 0x000C, "sha512": 0x000D][bank]
    }

    /// Reads the report from `next` (which returns the guest's lines after `READY`, nil at the end) up to `DONE`.
    ///
    /// - Throws: ``SandboxError/Code/guestProtocol`` for a line out of place, bad base64 or hex, or a report that
    ///   ends before `DONE`.
    public init(lines next: () throws(SandboxError) -> String?) throws(SandboxError) {
        var base64 = ""
        var inLog = false
        var sawLog = false
        var pcrs: [UInt16: [UInt32: [UInt8]]] = [:]
        var initData: [UInt8]?
        var fetches: [String: [UInt8]?] = [:]
        while true {
            guard let line = try next() else { throw SandboxError(.guestProtocol, "the guest's report ended before DONE") }
            if inLog {
                if line == "EVENTLOG-END" {
                    inLog = false
                    sawLog = true
                } else {
                    base64 += line
                }
                continue
            }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            switch fields.first {
            case "EVENTLOG-BEGIN"?:
                inLog = true
            case "PCR"?:
                guard fields.count == 4, let algorithm = Self.algorithm(String(fields[1])), let index = UInt32(fields[2]), index < 24,
                      let value = Hex.decode(fields[3]) else {
                    throw SandboxError(.guestProtocol, "malformed PCR line from the guest: \(line.prefix(200))")
                }
                pcrs[algorithm, default: [:]][index] = value
            case "INITDATA"?:
                guard fields.count == 2, let digest = Hex.decode(fields[1]), digest.count == 32 else {
                    throw SandboxError(.guestProtocol, "malformed INITDATA line from the guest: \(line.prefix(200))")
                }
                initData = digest
            case "FETCH"?:
                guard fields.count == 3 else { throw SandboxError(.guestProtocol, "malformed FETCH line from the guest: \(line.prefix(200))") }
                if fields[2] == "failed" {
                    fetches[String(fields[1])] = .some(nil)
                } else {
                    guard let digest = Hex.decode(fields[2]), digest.count == 32 else {
                        throw SandboxError(.guestProtocol, "malformed FETCH digest from the guest: \(line.prefix(200))")
                    }
                    fetches[String(fields[1])] = digest
                }
            case "DONE"?:
                guard sawLog else { throw SandboxError(.guestProtocol, "the guest's report has no event log") }
                guard let log = Data(base64Encoded: base64) else {
                    throw SandboxError(.guestProtocol, "the guest's event log is not valid base64")
                }
                self.init(eventLog: [UInt8](log), pcrs: pcrs, initDataDigest: initData, fetches: fetches)
                return
            default:
                throw SandboxError(.guestProtocol, "unexpected line from the guest: \(line.prefix(200))")
            }
        }
    }
}
