import Crypto
import EventLog
import HermeticCore

/// One event of a CC event log: the generic TCG event, whose index is the MR index (0 for MRTD, 1–4 for RTMR0–3).
public typealias CCEvent = TCGEvent

typealias UEFIDevicePath = EventLog.UEFIDevicePath

/// A TDX CC event log: the log area of the CCEL ACPI table, in the TCG crypto-agile format (read by
/// ``TCGEventLog`` in the `EventLog` target), with the RTMR mapping and replay that are TDX's own.
///
/// The log area is padded with 0xFF or zero bytes after the last event; reading stops there.
public struct CCEventLog: Sendable, Hashable {
    /// `TPM_ALG_SHA384`, the algorithm RTMRs extend with.
    public static let sha384: UInt16 = 0x000C

    /// The digest sizes by algorithm, from the Spec ID header.
    public let digestSizes: [UInt16: Int]
    /// The events after the header.
    public let events: [CCEvent]

    /// Reads a log.
    ///
    /// - Throws: ``TDXError`` `.malformedEventLog` naming the event that does not fit, or when the log is not in
    ///   the crypto-agile format.
    public init(bytes: [UInt8]) throws {
        let log: TCGEventLog
        do { log = try TCGEventLog(bytes: bytes) } catch let error as EventLogError {
            throw TDXError(.malformedEventLog, "event log: " + error.message)
        }
        guard log.format == .cryptoAgile else {
            throw TDXError(.malformedEventLog, "event log does not start with an EV_NO_ACTION Spec ID Event03 header")
        }
        digestSizes = log.digestSizes
        events = log.events
    }
    /// RTMR0–3 as the log replays them: each starts at 48 zero bytes and is extended, in log order, with the
    /// SHA-384 digest of every event of MR index 1–4 (`RTMR = SHA-384(RTMR ‖ digest)`).
    public func replayedRTMRs() -> [[UInt8]] {
        var registers = [[UInt8]](repeating: [UInt8](repeating: 0, count: 48), count: 4)
        for event in events where (1...4).contains(event.index) && event.type != 3 {
            guard let digest = event.digests.first(where: { $0.algorithm == Self.sha384 }) else { continue }
            registers[Int(event.index) - 1] = Array(SHA384.hash(data: registers[Int(event.index) - 1] + digest.bytes))
        }
        return registers
    }

    /// The registers whose replayed value differs from the quote's, with both values.
    public func mismatchedRTMRs(_ quoted: [[UInt8]]) -> [(index: Int, quote: [UInt8], replayed: [UInt8])] {
        zip(quoted, replayedRTMRs()).enumerated().compactMap { index, pair in
            pair.0 == pair.1 ? nil : (index, pair.0, pair.1)
        }
    }
}
