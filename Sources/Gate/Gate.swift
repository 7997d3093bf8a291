import Rego
import Synchronization

/// The gate's decision core: Executive, Servicer, agent policy and the UID table, as one value. ``Gate`` wraps it
/// with an executor and a lock; benchmarks and the model-based tests drive it directly.
public struct GateCore: Sendable {
    /// What to do with an order frame.
    public enum Verdict: Sendable {
        /// Reply at once with this status; nothing executes.
        case reply(GateStatus, reason: String)
        /// Execute the order, then call ``GateCore/finish(_:decision:executed:)``.
        case execute(Order, AgentPolicy.Decision)
    }

    struct UIDRecord: Sendable {
        var fingerprint: [UInt8]
        var status: GateStatus
        var verb: Verb
        var containerID: String?
        var execID: String?
    }

    let executive = Executive()
    /// The Servicer.
    public private(set) var servicer: Servicer
    /// The agent policy, with its current state.
    public private(set) var policy: AgentPolicy
    private var uids: [UInt64: UIDRecord] = [:]
    private var exits: [String: Bool] = [:]
    /// The most UIDs the gate remembers; past it, new UIDs are refused (never forgotten, so never replayable).
    public let uidCapacity: Int

    /// A core for a policy; the plan comes from the policy's `policy_data.hermetic.containers`.
    public init(policy: AgentPolicy, uidCapacity: Int = 1 << 16) {
        self.policy = policy
        self.servicer = Servicer(plan: PodPlan(policyData: policy.policyData))
        self.uidCapacity = uidCapacity
    }

    /// Decides an order frame: Executive, UID table, Servicer, agent policy, in that order. Changes nothing but the
    /// UID table (a refusal is remembered for its UID).
    public mutating func decide(_ frame: Frame) -> Verdict {
        let order: Order
        do {
            order = try executive.admit(frame)
        } catch {
            return .reply(error.status, reason: error.reason)
        }
        if let record = uids[order.uid] {
            guard constantTimeEqual(record.fingerprint, order.fingerprint) else {
                return .reply(.uidConflict, reason: "UID \(order.uid) was used with another order")
            }
            return .reply(record.status, reason: "replay of UID \(order.uid)")
        }
        guard uids.count < uidCapacity else { return .reply(.capacityExhausted, reason: "UID table full") }
        do {
            try servicer.check(order)
        } catch {
            remember(order, .refusedByState)
            return .reply(.refusedByState, reason: error.reason)
        }
        let decision = policy.decide(order)
        guard decision.allowed else {
            remember(order, .refusedByPolicy)
            return .reply(.refusedByPolicy, reason: "\(order.verb.policyRule ?? order.verb.name) denied")
        }
        return .execute(order, decision)
    }

    /// Records the outcome of executing an accepted order and returns its status.
    public mutating func finish(_ order: Order, decision: AgentPolicy.Decision, executed: Bool) -> GateStatus {
        let status: GateStatus = executed ? .ok : .executionFailed
        if executed {
            servicer.commit(order)
            policy.apply(decision)
        }
        remember(order, status)
        return status
    }

    /// The status of the order with this UID, as a poll reports it.
    public func poll(uid: UInt64) -> GateStatus {
        guard let record = uids[uid] else { return .unknownUID }
        guard record.status == .ok, let container = record.containerID else { return record.status }
        switch record.verb {
        case .startContainer:
            if let success = exits[container] { return success ? .exitedSuccess : .exitedFailure }
            return servicer.state.containers[container]?.phase == .running ? .running : .ok
        case .execProcess:
            guard let exec = record.execID else { return .ok }
            guard let success = exits[container + "/" + exec] else { return .running }
            return success ? .exitedSuccess : .exitedFailure
        default: return .ok
        }
    }

    /// Records a workload event.
    public mutating func record(_ event: ExecutorEvent) {
        switch event {
        case .containerExited(let id, let success):
            servicer.containerExited(id, success: success)
            exits[id] = success
        case .processExited(let id, let exec, let success): exits[id + "/" + exec] = success
        // Container ids are identifiers (no "/"), so the two kinds of key never collide.
        }
    }

    private mutating func remember(_ order: Order, _ status: GateStatus) {
        uids[order.uid] = UIDRecord(fingerprint: order.fingerprint, status: status, verb: order.verb,
                                    containerID: order.containerID, execID: order.execID)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}

/// The gate: one ``GateCore`` behind a lock, an ``Executor``, and a doorbell. Orders are decided and executed one
/// at a time, in arrival order, so the Servicer's model follows the pod exactly.
public final class Gate: Sendable {
    /// The doorbell's one event code: "something changed; poll".
    public static let doorbellStatusChanged: UInt16 = 1

    private let core: Mutex<GateCore>
    private let executor: any Executor
    private let doorbell: Mutex<(@Sendable (UInt16) -> Void)?>
    /// Events not yet folded into the core: an executor may report from inside `execute`, while the core is locked.
    private let pending: Mutex<[ExecutorEvent]>
    private let log: @Sendable (String) -> Void

    /// A gate.
    /// - Parameters:
    ///   - log: where one line per refused or failed order goes (verb, UID, reason; never the noun's content).
    public init(policy: AgentPolicy, executor: any Executor, uidCapacity: Int = 1 << 16,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        core = Mutex(GateCore(policy: policy, uidCapacity: uidCapacity))
        self.executor = executor
        doorbell = Mutex(nil)
        pending = Mutex([])
        self.log = log
    }

    /// Sets what rings when the workload reports an event.
    public func onDoorbell(_ ring: @escaping @Sendable (UInt16) -> Void) {
        doorbell.withLock { $0 = ring }
    }

    /// Handles one frame from the host and returns the reply: (STATUS, UID), and for an executed `ReadStdout` or
    /// `ReadStderr` the output bytes the policy let the host read; nothing else.
    public func handle(_ frame: Frame) -> Frame {
        switch frame.kind {
        case .order:
            let (status, output) = order(frame)
            var reply = Frame.reply(status, uid: frame.uid)
            reply.body = output
            return reply
        case .poll:
            return .reply(core.withLock { core in
                drain(into: &core)
                return core.poll(uid: frame.uid)
            }, uid: frame.uid)
        case .reply, .doorbell: return .reply(.malformedFrame, uid: frame.uid)
        }
    }

    private func order(_ frame: Frame) -> (GateStatus, [UInt8]) {
        core.withLock { core in
            drain(into: &core)
            switch core.decide(frame) {
            case .reply(let status, let reason):
                if status.isRefusal { log("refused uid=\(frame.uid) status=\(status.name): \(reason)") }
                return (status, [])
            case .execute(let order, let decision):
                var executed = true
                var output: [UInt8] = []
                // Hermetic's own verbs (PodReady) change only the gate's model; nothing runs.
                if order.verb.policyRule != nil {
                    do {
                        try executor.execute(order) { [weak self] event in self?.deliver(event) }
                        if order.verb == .readStdout || order.verb == .readStderr { output = try executor.read(order) }
                    } catch {
                        executed = false
                        log("failed uid=\(frame.uid) verb=\(order.verb.name): \(error)")
                    }
                }
                let status = core.finish(order, decision: decision, executed: executed)
                return (status, status == .ok ? output : [])
            }
        }
    }

    private func deliver(_ event: ExecutorEvent) {
        pending.withLock { $0.append(event) }
        let ring = doorbell.withLock { $0 }
        ring?(Self.doorbellStatusChanged)
    }

    private func drain(into core: inout GateCore) {
        let events = pending.withLock { events in
            defer { events.removeAll() }
            return events
        }
        for event in events { core.record(event) }
    }

    /// The Servicer's current model of the pod.
    public var podState: PodState {
        core.withLock { core in
            drain(into: &core)
            return core.servicer.state
        }
    }

    /// Stops the executor's workload.
    public func shutdown() { executor.shutdown() }
}
