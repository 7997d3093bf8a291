/// A TCB status as Intel's TCB info and QE identity name it, and as the verification result reports it.
public enum TCBStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case upToDate = "UpToDate"
    case swHardeningNeeded = "SWHardeningNeeded"
    case configurationNeeded = "ConfigurationNeeded"
    case configurationAndSWHardeningNeeded = "ConfigurationAndSWHardeningNeeded"
    case outOfDate = "OutOfDate"
    case outOfDateConfigurationNeeded = "OutOfDateConfigurationNeeded"
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
