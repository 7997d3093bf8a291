import Foundation
import HermeticCore
import Synchronization

/// Runtime measurements: each event is extended into a register and appended to the AAEL file, in that order, one
/// event at a time. A log already on disk is resumed only if it replays to the register's current value.
public final class RuntimeMeasurements: Sendable {
    /// The register.
    public let register: any MeasurementRegister
    /// The AAEL file.
    public let logPath: String
    private let log: Mutex<AAEL>

    /// Opens or starts the log.
    ///
    /// - Throws: ``GuestAttesterError`` (`mismatch`) when an existing log does not replay to the register, or what
    ///   reading the register or the file throws.
    public init(register: any MeasurementRegister, logPath: String) throws {
        self.register = register
        self.logPath = logPath
        let current = try register.read()
        if let existing = try? GuestFiles.read(logPath), !existing.isEmpty {
            let log = try AAEL(text: String(decoding: existing, as: UTF8.self))
            guard log.algorithm == register.algorithm, ConstantTime.equals(log.replay(), current) else {
                throw GuestAttesterError(.mismatch, "the AAEL at \(logPath) does not replay to the register's value \(Hex.encode(current))")
            }
            self.log = Mutex(log)
        } else {
            let log = AAEL(algorithm: register.algorithm, initial: current)
            // The log's directory (`/run/hermetic`) is on a fresh tmpfs at boot.
            let directory = (logPath as NSString).deletingLastPathComponent
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            try GuestFiles.write(logPath, Array((log.initLine + "\n").utf8), create: true)
            self.log = Mutex(log)
        }
    }

    /// Extends the register with the event's digest, then appends the event to the file.
    public func record(_ event: AAELEvent) throws {
        try log.withLock { log in
            try register.extend(log.digest(of: event))
            log.append(event)
            try GuestFiles.write(logPath, Array((event.entry + "\n").utf8), append: true)
        }
    }

    /// The log so far.
    public var current: AAEL { log.withLock { $0 } }
}
