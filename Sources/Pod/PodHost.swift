import Foundation
import Gate

/// The host's side of a running pod: orders sent through the gate on the VM's control channel, one UID each, and
/// every reply recorded. The host is untrusted; the guest's gate decides each order against the measured policy.
public final class PodHost {
    /// One order and what the gate answered.
    public struct Exchange: Sendable, Hashable, CustomStringConvertible {
        /// The verb.
        public var verb: Verb
        /// The container it named, if any.
        public var container: String?
        /// The gate's status.
        public var status: GateStatus
        public var description: String { "\(verb.name)\(container.map { "(\($0))" } ?? "") \(status.name)" }
    }

    /// What one container did.
    public struct ContainerRun: Sendable, Hashable {
        /// Its name.
        public var name: String
        /// How its start order ended when polled (`exited-success`, `exited-failure`), or the refusal.
        public var status: GateStatus
        /// Its standard output, as far as the policy let the host read it.
        public var output: [UInt8]
    }

    private let client: GateClient
    private var nextUID: UInt64 = 1
    /// Every order sent, in order.
    public private(set) var exchanges: [Exchange] = []

    /// A host speaking through `client`.
    public init(client: GateClient) { self.client = client }

    /// Sends one order; the noun is encoded as JSON.
    ///
    /// - Throws: the socket's error when the channel broke.
    @discardableResult
    public func send(_ verb: Verb, _ noun: [String: Any]) throws -> (status: GateStatus, uid: UInt64, body: [UInt8]) {
        let uid = nextUID
        nextUID += 1
        let bytes = [UInt8]((try? JSONSerialization.data(withJSONObject: noun, options: [.sortedKeys])) ?? Data())
        let (status, body) = try client.orderReadingBody(verb, noun: bytes, uid: uid)
        exchanges.append(Exchange(verb: verb, container: noun["container_id"] as? String, status: status))
        return (status, uid, body)
    }

    /// Polls `uid` until it reports an exit or `timeout` seconds pass; returns the last status.
    public func waitForExit(uid: UInt64, timeout: Double) throws -> GateStatus {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let status = try client.poll(uid: uid)
            if status == .exitedSuccess || status == .exitedFailure || status.isRefusal || Date() > deadline { return status }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Reads a container's standard output until the gate returns nothing more, or returns what it has when the
    /// policy refuses (an empty output).
    public func readOutput(container id: String) throws -> [UInt8] {
        var output: [UInt8] = []
        while output.count < 1 << 20 {
            let reply = try send(.readStdout, ["container_id": id, "exec_id": id, "len": 65536])
            guard reply.status == .ok, !reply.body.isEmpty else { break }
            output += reply.body
        }
        return output
    }

    /// Plays the pod: CreateSandbox, then each container in the declared order (create, start, and for every
    /// container that exits by itself, its exit and output), then removal of each container and DestroySandbox.
    /// `afterStart` runs once each container has started (a caller probing the gate, for example).
    ///
    /// - Throws: the socket's error when the channel broke; refusals are recorded, not thrown.
    public func run(_ workload: PodWorkload, exitTimeout: Double = 120,
                    afterStart: (PodHost, PodWorkload.Container, String) throws -> Void = { _, _, _ in }) throws -> [ContainerRun] {
        var runs: [ContainerRun] = []
        guard try send(.createSandbox, ["hostname": "pod", "storages": [], "kernel_modules": [], "sandbox_pidns": false]).status == .ok else {
            return runs
        }
        var ids: [String] = []
        for (index, container) in workload.containers.enumerated() {
            let id = "c\(index)-\(container.name)"
            let created = try send(.createContainer, PodWorkload.createNoun(container, id: id))
            guard created.status == .ok else {
                runs.append(ContainerRun(name: container.name, status: created.status, output: []))
                break
            }
            ids.append(id)
            let started = try send(.startContainer, ["container_id": id])
            guard started.status == .ok else {
                runs.append(ContainerRun(name: container.name, status: started.status, output: []))
                break
            }
            try afterStart(self, container, id)
            let exit = try waitForExit(uid: started.uid, timeout: exitTimeout)
            runs.append(ContainerRun(name: container.name, status: exit, output: try readOutput(container: id)))
            if container.isInit, exit != .exitedSuccess { break }
        }
        for id in ids.reversed() { try send(.removeContainer, ["container_id": id]) }
        try send(.destroySandbox, [:])
        return runs
    }
}
