/// The only thing the gate says about an order: a status code, sent with the order's UID.
public enum GateStatus: UInt16, Sendable, Hashable, CaseIterable {
    /// Accepted and executed.
    case ok = 0
    /// The agent policy refused the order; nothing executed.
    case refusedByPolicy = 1
    /// The order would leave the pod's valid state graph; nothing executed.
    case refusedByState = 2
    /// The noun failed the verb's schema; nothing executed.
    case malformedNoun = 3
    /// The verb code is not one the gate knows; nothing executed.
    case unknownVerb = 4
    /// The UID was already used with another noun; nothing executed.
    case uidConflict = 5
    /// Accepted, but the executor failed to carry it out.
    case executionFailed = 6
    /// Poll: the order's process is running.
    case running = 7
    /// Poll: the order's process exited with status 0.
    case exitedSuccess = 8
    /// Poll: the order's process exited with a non-zero status or a signal.
    case exitedFailure = 9
    /// Poll: the gate has never received this UID.
    case unknownUID = 10
    /// The frame itself was malformed (bad magic, version, kind, or size); the connection is closed after this reply.
    case malformedFrame = 11
    /// The gate holds as many UIDs as it is configured to; nothing executed.
    case capacityExhausted = 12

    /// Whether the status means the order was refused before execution.
    public var isRefusal: Bool {
        switch self {
        case .refusedByPolicy, .refusedByState, .malformedNoun, .unknownVerb, .uidConflict, .malformedFrame,
             .capacityExhausted: true
        default: false
        }
    }

    /// A short name for logs and the CLI (`refused-by-policy`).
    public var name: String {
        switch self {
        case .ok: "ok"
        case .refusedByPolicy: "refused-by-policy"
        case .refusedByState: "refused-by-state"
        case .malformedNoun: "malformed-noun"
        case .unknownVerb: "unknown-verb"
        case .uidConflict: "uid-conflict"
        case .executionFailed: "execution-failed"
        case .running: "running"
        case .exitedSuccess: "exited-success"
        case .exitedFailure: "exited-failure"
        case .unknownUID: "unknown-uid"
        case .malformedFrame: "malformed-frame"
        case .capacityExhausted: "capacity-exhausted"
        }
    }
}
