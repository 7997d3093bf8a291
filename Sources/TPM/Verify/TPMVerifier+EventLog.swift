import EventLog
import HermeticCore

extension TPMVerifier {
    /// Replays the evidence's event log and compares it with the quoted PCRs: every quoted PCR the log extends,
    /// in every bank the log carries, must equal its replay.
    ///
    /// - Returns: a summary for the claims (format, event count, the PCRs checked per bank).
    /// - Throws: ``TPMError``: `evidence_format` when the log does not parse, `eventlog_replay` naming the first PCR
    ///   that differs.
    static func checkEventLog(_ bytes: [UInt8], quoted: PCRBanks) throws -> JSONValue {
        let log: TCGEventLog
        do { log = try TCGEventLog(bytes: bytes) } catch let error as EventLogError {
            throw TPMError(.malformedEvidence, "event log: \(error.message)")
        }
        let replay = EventLogReplay(log)
        let given = Dictionary(uniqueKeysWithValues: quoted.values.map { bank, entries in
            (bank.rawValue, Dictionary(uniqueKeysWithValues: entries.map { (UInt32($0.key), $0.value) }))
        })
        if let first = replay.mismatches(given).first {
            let bank = TPMAlgorithm(rawValue: first.algorithm)
            throw TPMError(.eventLogReplay, "the event log does not replay to the quoted PCRs: first \(bank):\(first.index) is \(Hex.encode(first.expected)), the log gives \(Hex.encode(first.replayed))")
        }
        var checked: [String: JSONValue] = [:]
        for (algorithm, entries) in given {
            let pcrs = entries.keys.filter { replay.banks[algorithm]?[$0] != nil }.sorted()
            if !pcrs.isEmpty { checked[TPMAlgorithm(rawValue: algorithm).description] = .array(pcrs.map { .int(Int64($0)) }) }
        }
        return .object([
            "format": .string(log.formatDescription), "events": .int(Int64(log.events.count)),
            "replayed_pcrs": .object(checked),
        ])
    }
}
