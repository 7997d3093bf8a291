import EventLog
import HermeticCore
import Measure

/// The host's check of a measured boot: the guest's event log replays to the PCRs the guest read, and the replayed
/// PCR 4 and PCR 9 equal the predictions computed from the boot artifacts (``VTPMBootMeasurement``).
public struct BootCheck: Sendable {
    /// The parsed event log.
    public let log: TCGEventLog
    /// Its replay.
    public let replay: EventLogReplay
    /// PCRs where the replay differs from the guest's values.
    public let replayMismatches: [EventLogReplay.Mismatch]
    /// How many of the guest's PCR values the log extends (and so were compared).
    public let comparedCount: Int
    /// Per bank checked, the predicted and measured PCR 4 and PCR 9.
    public let predictions: [Prediction]

    /// One predicted PCR against the replayed log.
    public struct Prediction: Sendable, Hashable {
        /// The bank.
        public let bank: VTPMBootMeasurement.Bank
        /// The PCR index (4 or 9).
        public let index: UInt32
        /// The value computed from the artifacts.
        public let predicted: [UInt8]
        /// The value the event log replays to (nil when the log has no event in it).
        public let measured: [UInt8]?

        /// Whether they are equal (constant time).
        public var matches: Bool { measured.map { ConstantTime.equals($0, predicted) } ?? false }
    }

    /// Checks `report` against `expected`, in every bank both the log and ``VTPMBootMeasurement/Bank`` have.
    ///
    /// - Throws: ``SandboxError/Code/guestProtocol`` when the event log does not parse.
    public init(report: BootReport, expected: VTPMBootMeasurement) throws(SandboxError) {
        do {
            log = try TCGEventLog(bytes: report.eventLog)
        } catch {
            throw SandboxError(.guestProtocol, "the guest's event log does not parse: \(error)")
        }
        replay = EventLogReplay(log)
        replayMismatches = replay.mismatches(report.pcrs)
        comparedCount = replay.comparedCount(report.pcrs)
        var predictions: [Prediction] = []
        for bank in VTPMBootMeasurement.Bank.allCases where log.digestSizes[bank.algorithm] != nil {
            predictions.append(Prediction(bank: bank, index: 4, predicted: expected.pcr4(bank), measured: replay.banks[bank.algorithm]?[4]))
            predictions.append(Prediction(bank: bank, index: 9, predicted: expected.pcr9(bank), measured: replay.banks[bank.algorithm]?[9]))
        }
        self.predictions = predictions
    }

    /// Throws unless the log replays to the guest's PCRs (at least the nine PCRs OVMF extends compared) and every prediction matches.
    ///
    /// - Throws: ``SandboxError/Code/measurement`` naming the first PCR that differs.
    public func requireMatch() throws(SandboxError) {
        if let first = replayMismatches.first {
            throw SandboxError(.measurement, "the event log replays PCR \(first.index) (bank 0x\(String(first.algorithm, radix: 16))) to \(Hex.encode(first.replayed)), the guest read \(Hex.encode(first.expected))")
        }
        guard comparedCount >= 9 else {
            throw SandboxError(.measurement, "only \(comparedCount) of the guest's PCRs are extended by the event log; OVMF extends PCR 0–7 and 9")
        }
        guard !predictions.isEmpty else { throw SandboxError(.measurement, "the event log has no SHA-256 or SHA-384 bank to check") }
        for prediction in predictions where !prediction.matches {
            throw SandboxError(.measurement, "PCR \(prediction.index) (\(prediction.bank.rawValue)) is \(prediction.measured.map { Hex.encode($0) } ?? "not extended"), predicted \(Hex.encode(prediction.predicted))")
        }
    }
}
