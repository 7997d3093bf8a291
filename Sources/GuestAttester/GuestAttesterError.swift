import HermeticCore

/// Why a guest-side driver failed: typed and classed, naming the file, device or value at fault.
public struct GuestAttesterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure classes.
    public enum Code: String, Sendable, Hashable {
        /// A device or configfs attribute could not be opened, read or written.
        case io
        /// configfs-tsm's provider is not the TEE asked for.
        case providerMismatch = "provider_mismatch"
        /// The report entry's generation moved: another writer raced ours.
        case generationChanged = "generation_changed"
        /// An outblob, response or certificate table of the wrong size or shape.
        case malformedReport = "malformed_report"
        /// The firmware or the host refused the request.
        case firmware
        /// An input the caller gave is out of range (report data over 64 bytes, a bad event field).
        case badInput = "bad_input"
        /// The measured state does not match (init-data binding, a log that does not replay).
        case mismatch
    }

    /// The class.
    public let code: Code
    /// What failed.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// How the CLI reports it: input errors are bad input, mismatches are rejections.
    public var failureKind: FailureKind {
        switch code {
        case .badInput: .malformed
        case .mismatch: .rejected
        default: .collateralUnavailable
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
