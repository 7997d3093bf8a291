import EventLog
import HermeticCore

/// How runtime events are logged, and so what digest each extends the register with.
public enum RuntimeLogFormat: Sendable, Hashable {
    /// The text AAEL (``AAEL``): an `INIT/<alg> <hex>` line with the register's value when the log began, then one
    /// entry per line; each extends the register with the hash of the entry's text. The TPM's form.
    case aaelText
    /// guest-components' TCG2 form (TDX): each event a `TCG_PCR_EVENT2` of type `EV_EVENT_TAG` carrying
    /// `measurementRegisterIndex` (the CC MR index, 4 for RTMR3), extending the register with the hash of its tagged
    /// event data (``AAELEvent/taggedEventData``). There is no INIT entry: a verifier replays the register from zero
    /// through the firmware's CC event log and then these events, so the log starts from `startingValue`, the
    /// firmware log's replay of that register (zero when firmware leaves it alone).
    case tcg2(measurementRegisterIndex: UInt32, startingValue: [UInt8])

    /// The digest `event` extends a register of `algorithm` with.
    public func digest(of event: AAELEvent, algorithm: AAELAlgorithm) -> [UInt8] {
        switch self {
        case .aaelText: algorithm.hash(Array(event.entry.utf8))
        case .tcg2: algorithm.hash(event.taggedEventData)
        }
    }

    /// The bytes appended to the log file for `event`.
    public func record(of event: AAELEvent, algorithm: AAELAlgorithm) -> [UInt8] {
        switch self {
        case .aaelText: Array((event.entry + "\n").utf8)
        case .tcg2(let index, _): event.tcg2Event(measurementRegisterIndex: index, algorithm: algorithm)
        }
    }

    /// Reads a TCG2 runtime log (the entries only, as the file holds them): every event must be an AAEL
    /// `EV_EVENT_TAG` of `index` with one digest, of `algorithm`, over its data.
    ///
    /// - Returns: the events and the value they replay the register to from `startingValue`.
    /// - Throws: ``GuestAttesterError`` (`badInput`) naming the entry that does not fit.
    static func readTCG2(_ bytes: [UInt8], index: UInt32, startingValue: [UInt8], algorithm: AAELAlgorithm) throws(GuestAttesterError) -> (events: [AAELEvent], replay: [UInt8]) {
        let header = CCEventLogAssembly.specIDHeader(algorithm: algorithm)
        let log: TCGEventLog
        do { log = try TCGEventLog(bytes: header + bytes) } catch {
            throw GuestAttesterError(.badInput, "the runtime event log does not parse: \(error)")
        }
        guard log.length == header.count + bytes.count else {
            throw GuestAttesterError(.badInput, "the runtime event log has \(header.count + bytes.count - log.length) bytes after its last whole entry")
        }
        var events: [AAELEvent] = []
        var value = startingValue
        for (number, event) in log.events.enumerated() {
            let expected = algorithm.hash(event.data)
            guard event.index == index, event.type == TCGEvent.eventTag, event.digests.count == 1, event.digests[0].bytes == expected else {
                throw GuestAttesterError(.badInput, "runtime event \(number + 1) is not an EV_EVENT_TAG of MR index \(index) carrying the \(algorithm.rawValue) of its data")
            }
            events.append(try AAELEvent(taggedEventData: event.data))
            value = algorithm.hash(value + expected)
        }
        return (events, value)
    }
}
