import Crypto
import HermeticCore

/// A TDX CC event log: the log area of the CCEL ACPI table, in the TCG crypto-agile format.
///
/// The log starts with a SHA-1-format `TCG_PCR_EVENT` of type `EV_NO_ACTION` carrying the `Spec ID Event03`
/// header, which lists the digest algorithms and their sizes; `TCG_PCR_EVENT2` events follow (firmware events,
/// then `EV_EVENT_TAG` entries the guest appends, such as AAEL). The log area is padded with 0xFF or zero bytes
/// after the last event; reading stops there.
public struct CCEventLog: Sendable, Hashable {
    /// `TPM_ALG_SHA384`, the algorithm RTMRs extend with.
    public static let sha384: UInt16 = 0x000C

    /// The digest sizes by algorithm, from the Spec ID header.
    public let digestSizes: [UInt16: Int]
    /// The events after the header.
    public let events: [CCEvent]

    /// Reads a log.
    ///
    /// - Throws: ``TDXError`` `.malformedEventLog` naming the event that does not fit.
    public init(bytes: [UInt8]) throws {
        do {
            var cursor = ByteCursor(bytes)
            _ = try cursor.u32("header.index")
            let headerType = try cursor.u32("header.type")
            _ = try cursor.take(20, "header.digest")
            let headerSize = Int(try cursor.u32("header.size"))
            var header = ByteCursor(try cursor.take(headerSize, "header.event"))
            guard headerType == 3, try header.take(16, "spec id signature") == Array("Spec ID Event03\0".utf8) else {
                throw TDXError(.malformedEventLog, "event log does not start with an EV_NO_ACTION Spec ID Event03 header")
            }
            _ = try header.take(8, "spec id versions")
            let count = Int(try header.u32("spec id algorithm count"))
            var sizes: [UInt16: Int] = [:]
            for _ in 0..<min(count, 64) {
                let algorithm = try header.u16("spec id algorithm")
                sizes[algorithm] = Int(try header.u16("spec id digest size"))
            }
            digestSizes = sizes
            var events: [CCEvent] = []
            while cursor.remaining >= 8 {
                var peek = cursor
                let index = try peek.u32("event.index")
                let type = try peek.u32("event.type")
                if (index == 0xFFFF_FFFF && type == 0xFFFF_FFFF) || (index == 0 && type == 0) { break }
                let number = events.count + 1
                cursor = peek
                let digestCount = Int(try cursor.u32("event \(number) digest count"))
                var digests: [CCEvent.Digest] = []
                for _ in 0..<digestCount {
                    let algorithm = try cursor.u16("event \(number) algorithm")
                    guard let size = sizes[algorithm] else {
                        throw TDXError(.malformedEventLog, "event \(number) uses algorithm 0x\(String(algorithm, radix: 16)), not in the Spec ID header")
                    }
                    digests.append(CCEvent.Digest(algorithm: algorithm, bytes: try cursor.take(size, "event \(number) digest")))
                }
                let size = Int(try cursor.u32("event \(number) size"))
                events.append(CCEvent(index: index, type: type, digests: digests, data: try cursor.take(size, "event \(number) data")))
            }
            self.events = events
        } catch let error as TDXError where error.code == .malformedQuote {
            throw TDXError(.malformedEventLog, "event log: " + error.message)
        }
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
