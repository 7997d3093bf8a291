import Crypto
import HermeticCore

/// A TCG PC Client event log, in either format firmware writes:
///
/// - **crypto-agile** (TCG2): a SHA-1-format `TCG_PCR_EVENT` of type `EV_NO_ACTION` carrying the `Spec ID Event03`
///   header, which lists the digest algorithms and their sizes, then `TCG_PCR_EVENT2` events with one digest per
///   algorithm. This is the format of `/sys/kernel/security/tpm0/binary_bios_measurements` on UEFI machines and of
///   the TDX CCEL.
/// - **legacy SHA-1** (TCG 1.2): `TCG_PCR_EVENT` throughout (index, type, SHA-1 digest, data).
///
/// Reading stops at the end of the bytes or at padding (an event header of all 0xFF or all zero bytes, as in the
/// CCEL's log area).
///
/// A crypto-agile header is recognised by its `Spec ID Event03` signature, or by an all-zero signature on an
/// `EV_NO_ACTION` first event: guest-components' fixed header for a TDX guest without a CCEL carries no signature,
/// and Trustee reads the algorithm list without checking it.
public struct TCGEventLog: Sendable, Hashable {
    /// The log's format.
    public enum Format: String, Sendable, Hashable {
        /// TCG2 crypto-agile, with a Spec ID header.
        case cryptoAgile = "crypto-agile"
        /// TCG 1.2, SHA-1 only.
        case legacySHA1 = "sha1-legacy"
    }

    /// `TPM_ALG_SHA1`.
    public static let sha1: UInt16 = 0x0004
    /// `TPM_ALG_SHA256`.
    public static let sha256: UInt16 = 0x000B
    /// `TPM_ALG_SHA384`.
    public static let sha384: UInt16 = 0x000C
    /// `TPM_ALG_SHA512`.
    public static let sha512: UInt16 = 0x000D

    /// The format.
    public let format: Format
    /// The digest sizes by algorithm: from the Spec ID header, or SHA-1 alone for a legacy log.
    public let digestSizes: [UInt16: Int]
    /// The Spec ID header event (crypto-agile logs only).
    public let header: TCGEvent?
    /// The events after the header (every event of a legacy log).
    public let events: [TCGEvent]
    /// The bytes the header and the events occupy: the padding, or whatever follows the log, starts here.
    public let length: Int

    /// Reads a log.
    ///
    /// - Throws: ``EventLogError`` naming the event and field that do not fit.
    public init(bytes: [UInt8]) throws {
        var cursor = LogCursor(bytes)
        let first = try Self.legacyEvent(&cursor, number: 0)
        if first.type == TCGEvent.noAction, Self.isSpecIDSignature(first.data) {
            var spec = LogCursor(first.data, from: 16)
            _ = try spec.take(8, "Spec ID header versions")
            let count = Int(try spec.u32("Spec ID algorithm count"))
            guard count >= 1, count <= 32 else { throw EventLogError("Spec ID header lists \(count) algorithms") }
            var sizes: [UInt16: Int] = [:]
            for index in 0..<count {
                let algorithm = try spec.u16("Spec ID algorithm \(index)")
                sizes[algorithm] = Int(try spec.u16("Spec ID digest size \(index)"))
            }
            format = .cryptoAgile
            digestSizes = sizes
            header = first
            var events: [TCGEvent] = []
            while cursor.remaining >= 8, !Self.atPadding(cursor) {
                let number = events.count + 1
                let index = try cursor.u32("event \(number) index")
                let type = try cursor.u32("event \(number) type")
                let digestCount = Int(try cursor.u32("event \(number) digest count"))
                guard digestCount <= 32 else { throw EventLogError("event \(number) declares \(digestCount) digests") }
                var digests: [TCGEvent.Digest] = []
                for _ in 0..<digestCount {
                    let algorithm = try cursor.u16("event \(number) algorithm")
                    guard let size = sizes[algorithm] else {
                        throw EventLogError("event \(number) uses algorithm 0x\(String(algorithm, radix: 16)), not in the Spec ID header")
                    }
                    digests.append(TCGEvent.Digest(algorithm: algorithm, bytes: try cursor.take(size, "event \(number) digest")))
                }
                let size = Int(try cursor.u32("event \(number) size"))
                events.append(TCGEvent(index: index, type: type, digests: digests, data: try cursor.take(size, "event \(number) data")))
            }
            self.events = events
            length = cursor.offset
        } else {
            format = .legacySHA1
            digestSizes = [Self.sha1: 20]
            header = nil
            var events = [first]
            while cursor.remaining >= 8, !Self.atPadding(cursor) {
                events.append(try Self.legacyEvent(&cursor, number: events.count))
            }
            self.events = events
            length = cursor.offset
        }
    }

    /// `Spec ID Event03` and its NUL, or 16 zero bytes (guest-components' `EL_HEADER`) followed by a header's worth
    /// of data.
    private static func isSpecIDSignature(_ data: [UInt8]) -> Bool {
        data.starts(with: Array("Spec ID Event03\0".utf8)) || (data.count >= 29 && data.prefix(16).allSatisfy { $0 == 0 })
    }

    /// A `TCG_PCR_EVENT`: index, type, SHA-1 digest, size, data.
    private static func legacyEvent(_ cursor: inout LogCursor, number: Int) throws -> TCGEvent {
        let index = try cursor.u32("event \(number) index")
        let type = try cursor.u32("event \(number) type")
        let digest = try cursor.take(20, "event \(number) SHA-1 digest")
        let size = Int(try cursor.u32("event \(number) size"))
        let data = try cursor.take(size, "event \(number) data")
        return TCGEvent(index: index, type: type, digests: [TCGEvent.Digest(algorithm: sha1, bytes: digest)], data: data)
    }

    /// Whether the next event header is padding: index and type both 0xFFFFFFFF, or both zero.
    private static func atPadding(_ cursor: LogCursor) -> Bool {
        var peek = cursor
        guard let index = try? peek.u32("index"), let type = try? peek.u32("type") else { return true }
        return (index == 0xFFFF_FFFF && type == 0xFFFF_FFFF) || (index == 0 && type == 0)
    }

    /// The name of the format as people say it (`TCG2 crypto-agile (sha1,sha256)`).
    public var formatDescription: String {
        switch format {
        case .legacySHA1: return "TCG 1.2 (SHA1-only)"
        case .cryptoAgile:
            let names = digestSizes.keys.sorted().map { TCGEvent.algorithmName($0).lowercased().replacing("-", with: "") }
            return "TCG2 crypto-agile (\(names.joined(separator: ",")))"
        }
    }

    /// The distinct PCR (or MR) indices of the events, ascending.
    public var indices: [UInt32] { Array(Set(events.map(\.index))).sorted() }
}
