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

    /// Polls `uid` until it reports an exit or `timeout` seconds pass; returns the last status. `whileRunning` is
    /// called about every half second in between (to stream output, for example).
    public func waitForExit(uid: UInt64, timeout: Double, whileRunning: () throws -> Void = {}) throws -> GateStatus {
        let deadline = Date().addingTimeInterval(timeout)
        var polls = 0
        while true {
            let status = try client.poll(uid: uid)
            if status == .exitedSuccess || status == .exitedFailure || status.isRefusal || Date() > deadline { return status }
            polls += 1
            if polls % 5 == 0 { try whileRunning() }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// One container's standard output as the host reads it through the gate: each read returns what the container
    /// wrote since the previous one; a refusal stops further reads (the policy does not let the host see it).
    struct OutputReader {
        let container: String
        var output: [UInt8] = []
        var refused = false

        init(container: String) { self.container = container }

        /// Reads until the gate has nothing new, handing each piece to `onOutput`.
        mutating func drain(_ host: PodHost, onOutput: ([UInt8]) -> Void = { _ in }) throws {
            while !refused, output.count < 1 << 20 {
                let reply = try host.send(.readStdout, ["container_id": container, "exec_id": container, "len": 65536])
                guard reply.status == .ok else {
                    refused = true
                    return
                }
                guard !reply.body.isEmpty else { return }
                output += reply.body
                onOutput(reply.body)
            }
        }
    }

    /// Plays the pod: CreateSandbox, then each container in the declared order (create, start, and for every
    /// container that exits by itself, its exit and output), then removal of each container and DestroySandbox.
    /// `afterStart` runs once each container has started (a caller probing the gate, for example); `onOutput` gets
    /// each piece of a container's output as it is read, while the container runs (about every half second) and
    /// after it exits. A container still running at `exitTimeout` is removed like the others (`runc delete --force`).
    ///
    /// - Throws: the socket's error when the channel broke; refusals are recorded, not thrown.
    public func run(_ workload: PodWorkload, exitTimeout: Double = 120,
                    onOutput: (PodWorkload.Container, [UInt8]) -> Void = { _, _ in },
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
            var output = OutputReader(container: id)
            let exit = try waitForExit(uid: started.uid, timeout: exitTimeout) {
                try output.drain(self) { onOutput(container, $0) }
            }
            try output.drain(self) { onOutput(container, $0) }
            runs.append(ContainerRun(name: container.name, status: exit, output: output.output))
            if container.isInit, exit != .exitedSuccess { break }
        }
        for id in ids.reversed() { try send(.removeContainer, ["container_id": id]) }
        try send(.destroySandbox, [:])
        return runs
    }
}
