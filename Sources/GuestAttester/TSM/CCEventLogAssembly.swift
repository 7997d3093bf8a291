import EventLog
import HermeticCore
import TDX

/// The `cc_eventlog` a TDX guest sends, assembled as guest-components does so that Trustee replays it: the
/// firmware's CCEL log area cut where its padding starts, then the runtime events (TCG2 AAEL entries), then an end
/// marker of eight 0xFF bytes. A guest without a CCEL starts the log with a Spec ID header instead.
public enum CCEventLogAssembly {
    /// Eight 0xFF bytes: where a reader stops (the header of an event that is not there).
    public static let endMarker = [UInt8](repeating: 0xFF, count: 8)

    /// A crypto-agile log header: a SHA-1-format `EV_NO_ACTION` event of MR index 0 whose data is the
    /// `Spec ID Event03` structure (platform class 0, spec version 2.0 errata 2, UINTN of 64 bits) listing
    /// `algorithm` alone, with no vendor information.
    public static func specIDHeader(algorithm: AAELAlgorithm = .sha384) -> [UInt8] {
        let data = Array("Spec ID Event03\0".utf8) + littleEndianBytes(UInt32(0)) + [0, 2, 2, 2] + littleEndianBytes(UInt32(1))
            + littleEndianBytes(algorithm.tcgAlgorithmID) + littleEndianBytes(UInt16(algorithm.size)) + [0]
        return littleEndianBytes(UInt32(0)) + littleEndianBytes(TCGEvent.noAction) + [UInt8](repeating: 0, count: 20)
            + littleEndianBytes(UInt32(data.count)) + data
    }

    /// The CCEL table's log cut at its padding.
    ///
    /// - Throws: ``GuestAttesterError`` (`malformedReport`) when the table is not a crypto-agile event log.
    public static func trimmed(ccel: [UInt8]) throws(GuestAttesterError) -> [UInt8] {
        let log: TCGEventLog
        do { log = try TCGEventLog(bytes: ccel) } catch {
            throw GuestAttesterError(.malformedReport, "the CCEL table does not parse as an event log: \(error)")
        }
        guard log.format == .cryptoAgile else {
            throw GuestAttesterError(.malformedReport, "the CCEL table is not a crypto-agile (Spec ID Event03) event log")
        }
        return Array(ccel.prefix(log.length))
    }

    /// The whole `cc_eventlog`: the trimmed CCEL (or, with runtime events but no CCEL, the Spec ID header), the
    /// runtime events, the end marker; `nil` when there is neither a CCEL nor a runtime event.
    ///
    /// - Throws: what ``trimmed(ccel:)`` throws.
    public static func assemble(ccel: [UInt8]?, runtimeEvents: [UInt8]) throws(GuestAttesterError) -> [UInt8]? {
        if let ccel { return try trimmed(ccel: ccel) + runtimeEvents + endMarker }
        return runtimeEvents.isEmpty ? nil : specIDHeader() + runtimeEvents + endMarker
    }

    /// The value the firmware's log replays RTMR `rtmr` (0–3) to, as a verifier replays it (48 zero bytes with no
    /// log).
    ///
    /// - Throws: ``GuestAttesterError`` (`malformedReport`) when the table is not a CC event log.
    public static func firmwareReplay(ccel: [UInt8]?, rtmr: Int) throws(GuestAttesterError) -> [UInt8] {
        guard let ccel else { return [UInt8](repeating: 0, count: 48) }
        let registers: [[UInt8]]
        do { registers = try CCEventLog(bytes: ccel).replayedRTMRs() } catch {
            throw GuestAttesterError(.malformedReport, "the CCEL table does not parse as a CC event log: \(error)")
        }
        guard registers.indices.contains(rtmr) else { throw GuestAttesterError(.badInput, "there is no RTMR\(rtmr)") }
        return registers[rtmr]
    }
}
