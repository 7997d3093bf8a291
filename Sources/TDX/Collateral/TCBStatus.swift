/// A TCB status as Intel's TCB info and QE identity name it, and as the verification result reports it.
public enum TCBStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// The TCB is at the latest level.
    case upToDate = "UpToDate"
    /// The TCB is current, but software mitigations for the listed advisories are needed.
    case swHardeningNeeded = "SWHardeningNeeded"
    /// The TCB is current, but the platform configuration (e.g. hyperthreading) needs to change.
    case configurationNeeded = "ConfigurationNeeded"
    /// Both of the above.
    case configurationAndSWHardeningNeeded = "ConfigurationAndSWHardeningNeeded"
    /// The TCB is below the latest level: a firmware or microcode update is due.
    case outOfDate = "OutOfDate"
    /// Out of date, and the configuration needs to change.
    case outOfDateConfigurationNeeded = "OutOfDateConfigurationNeeded"
    /// The TCB level is revoked.
    case revoked = "Revoked"

    /// The platform status after folding in the status of a component checked after it (the TDX module, then
    /// the QE), as Intel's Quote Verification Library converges them: an out-of-date component makes an up-to-date
    /// or hardening-needed platform `OutOfDate` and a configuration-needed one `OutOfDateConfigurationNeeded`; a
    /// revoked component revokes the whole; any other component status leaves the platform's.
    public func converged(with component: TCBStatus) -> TCBStatus {
        switch component {
        case .revoked:
            return .revoked
        case .outOfDate, .outOfDateConfigurationNeeded:
            switch self {
            case .upToDate, .swHardeningNeeded: return .outOfDate
            case .configurationNeeded, .configurationAndSWHardeningNeeded: return .outOfDateConfigurationNeeded
            default: return self
            }
        default:
            return self
        }
    }
}

/// A TCB status with the Intel security advisories that apply to it.
public struct TCBVerdict: Sendable, Hashable {
    /// The status.
    public var status: TCBStatus
    /// The advisory IDs (`INTEL-SA-…`), each once, in the order found.
    public var advisoryIDs: [String]
    /// The date of the matched platform TCB level.
    public var tcbDate: String?

    /// Creates a verdict.
    public init(status: TCBStatus, advisoryIDs: [String], tcbDate: String? = nil) {
        self.status = status
        self.advisoryIDs = advisoryIDs
        self.tcbDate = tcbDate
    }

    /// This verdict converged with a component's (see ``TCBStatus/converged(with:)``), advisories merged.
    func converged(with component: TCBVerdict) -> TCBVerdict {
        var merged = advisoryIDs
        for id in component.advisoryIDs where !merged.contains(id) { merged.append(id) }
        return TCBVerdict(status: status.converged(with: component.status), advisoryIDs: merged, tcbDate: tcbDate)
    }
}
