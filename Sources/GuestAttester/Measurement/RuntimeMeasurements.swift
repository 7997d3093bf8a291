#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import Synchronization

/// Runtime measurements: each event is extended into a register and appended to the log file, in that order, one
/// event at a time. A log already on disk is resumed only if it replays to the register's current value.
///
/// The log's form (``RuntimeLogFormat``) is the text AAEL for a TPM PCR, and TCG2 `EV_EVENT_TAG` entries for a TDX
/// RTMR, which the TDX evidence appends to the firmware's CC event log.
public final class RuntimeMeasurements: Sendable {
    /// The register.
    public let register: any MeasurementRegister
    /// The log file.
    public let logPath: String
    /// The log's form.
    public let format: RuntimeLogFormat
    private let state: Mutex<State>

    private struct State {
        var log: AAEL
        var bytes: [UInt8]
    }

    /// Opens or starts the log.
    ///
    /// - Throws: ``GuestAttesterError`` (`mismatch`) when an existing log does not replay to the register (for the
    ///   TCG2 form, also when there is no log and the register has moved from its starting value), or what reading
    ///   the register or the file throws.
    public init(register: any MeasurementRegister, logPath: String, format: RuntimeLogFormat = .aaelText) throws {
        self.register = register
        self.logPath = logPath
        self.format = format
        let current = try register.read()
        let existing = (try? GuestFiles.read(logPath)) ?? []
        var state: State
        switch format {
        case .aaelText where !existing.isEmpty:
            let log = try AAEL(text: String(decoding: existing, as: UTF8.self))
            guard log.algorithm == register.algorithm, ConstantTime.equals(log.replay(), current) else {
                throw GuestAttesterError(.mismatch, "the AAEL at \(logPath) does not replay to the register's value \(Hex.encode(current))")
            }
            state = State(log: log, bytes: existing)
        case .aaelText:
            let log = AAEL(algorithm: register.algorithm, initial: current)
            state = State(log: log, bytes: Array((log.initLine + "\n").utf8))
            try Self.create(logPath, state.bytes)
        case .tcg2(let index, let start):
            let (events, replay) = try RuntimeLogFormat.readTCG2(existing, index: index, startingValue: start, algorithm: register.algorithm)
            guard ConstantTime.equals(replay, current) else {
                throw GuestAttesterError(.mismatch, existing.isEmpty
                    ? "the register reads \(Hex.encode(current)), not its starting value \(Hex.encode(start)): something extended it without logging the event, so no verifier could replay it"
                    : "the runtime event log at \(logPath) does not replay to the register's value \(Hex.encode(current))")
            }
            var log = AAEL(algorithm: register.algorithm, initial: start)
            for event in events { log.append(event) }
            state = State(log: log, bytes: existing)
            if existing.isEmpty { try Self.create(logPath, []) }
        }
        self.state = Mutex(state)
    }

    /// Extends the register with the event's digest, then appends the event to the file.
    public func record(_ event: AAELEvent) throws {
        try state.withLock { state in
            try register.extend(format.digest(of: event, algorithm: register.algorithm))
            let record = format.record(of: event, algorithm: register.algorithm)
            state.log.append(event)
            state.bytes += record
            try GuestFiles.write(logPath, record, append: true)
        }
    }

    /// The events so far, with the register's value when the log began (for the TCG2 form: its starting value; the
    /// text ``AAEL/replay()`` applies to the text form only).
    public var current: AAEL { state.withLock { $0.log } }

    /// Runs `body` with the log's bytes as the file holds them, while no event can be recorded: a quote taken in
    /// `body` and the log given to it agree.
    public func withLog<T>(_ body: ([UInt8]) throws -> T) rethrows -> T {
        try state.withLock { try body($0.bytes) }
    }

    /// Creates the log file; its directory (`/run/hermetic`) is on a fresh tmpfs at boot.
    private static func create(_ path: String, _ bytes: [UInt8]) throws {
        let directory = GuestFiles.directory(of: path)
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        try GuestFiles.write(path, bytes, create: true)
    }
}
