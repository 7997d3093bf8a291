import Foundation
import Testing
@testable import Gate

/// A hostile host against Hermetic's own policy: every bad order refused with the right status, nothing executed,
/// the gate still serving.
@Suite struct AdversarialHostTests {
    func gate(_ executor: RecordingExecutor) throws -> Gate {
        try Gate(policy: SamplePod.policy(), executor: executor)
    }

    @Test func theDeclaredPodComesUpInOrder() throws {
        let executor = RecordingExecutor(exitOnStart: ["c1": true])
        var host = Host(gate: try gate(executor))
        #expect(host.bootToApps() == [.ok, .ok, .ok, .ok])
        let (created, _) = host.send(.createContainer, SamplePod.container("c2", name: "app",
                                                                           env: ["PATH=/bin", "MODE=prod", "DB_SERVICE_HOST=10.0.0.7"]))
        #expect(created == .ok)
        let (started, startUID) = host.send(.startContainer, SamplePod.start("c2"))
        #expect(started == .ok)
        #expect(host.send(.createContainer, SamplePod.container("c3", name: "sidecar")).0 == .ok)
        #expect(host.send(.startContainer, SamplePod.start("c3")).0 == .ok)
        #expect(host.send(.podReady, Array("{}".utf8)).0 == .ok)
        let (exec, execUID) = host.send(.execProcess, SamplePod.exec("c2", "e1", ["cat", "/etc/app/app.conf"]))
        #expect(exec == .ok)
        #expect(host.poll(startUID) == .running)
        #expect(host.poll(4) == .exitedSuccess)
        #expect(host.poll(execUID) == .running)
        #expect(host.poll(9999) == .unknownUID)
        #expect(executor.count == 9)
    }

    /// Runs the pod up to its app containers, then checks that `order` is refused with `status` and executes nothing.
    func expectRefused(_ verb: Verb, _ noun: [UInt8], _ status: GateStatus, prelude: (inout Host) -> Void = { _ in },
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let executor = RecordingExecutor(exitOnStart: ["c1": true])
        var host = Host(gate: try gate(executor))
        #expect(host.bootToApps() == [.ok, .ok, .ok, .ok], sourceLocation: sourceLocation)
        prelude(&host)
        let before = executor.count
        #expect(host.send(verb, noun).0 == status, sourceLocation: sourceLocation)
        #expect(executor.count == before, "nothing executed", sourceLocation: sourceLocation)
        // Still serving: a valid order goes through afterwards.
        #expect(host.send(.waitProcess, Array(#"{"container_id":"c1"}"#.utf8)).0 == .ok, sourceLocation: sourceLocation)
    }

    @Test func createContainerWithAnythingChangedIsRefused() throws {
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", args: ["sh", "-c", "cat /secrets"]), .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", env: ["PATH=/bin", "MODE=debug"]), .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", env: ["PATH=/bin"]), .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", env: ["PATH=/bin", "MODE=prod", "LD_PRELOAD=/x.so"]),
                          .refusedByPolicy)
        // A dynamic-looking variable may not shadow a declared one.
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app",
                                                               env: ["PATH=/bin", "MODE=prod", "MODE_SERVICE_HOST=1.2.3.4", "PATH=/evil"]),
                          .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container(
            "c2", name: "app", image: "docker.io/library/busybox@sha256:" + String(repeating: "cd", count: 32)), .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", image: "docker.io/library/busybox:latest"),
                          .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", mounts: [
            ["destination": "/etc/app", "type": "bind", "options": ["rbind", "rw"],
             "source": "/run/kata-containers/shared/containers/abc123-0123456789abcdef-app-config"]]), .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", mounts: [
            ["destination": "/etc/app", "type": "bind", "options": ["ro"],
             "source": "/run/kata-containers/shared/containers/abc123-0123456789abcdef-app-config"],
            ["destination": "/host", "type": "bind", "options": ["rbind"], "source": "/"]]), .refusedByPolicy)
        try expectRefused(.createContainer, SamplePod.container("c2", name: "app", uid: 0), .refusedByPolicy)
    }

    @Test func execAndCopyOnlyWhereAllowed() throws {
        let upApp: (inout Host) -> Void = { host in
            _ = host.send(.createContainer, SamplePod.container("c2", name: "app"))
            _ = host.send(.startContainer, SamplePod.start("c2"))
            _ = host.send(.createContainer, SamplePod.container("c3", name: "sidecar"))
            _ = host.send(.startContainer, SamplePod.start("c3"))
        }
        try expectRefused(.execProcess, SamplePod.exec("c3", "e1", ["cat", "/etc/app/app.conf"]), .refusedByPolicy, prelude: upApp)
        try expectRefused(.execProcess, SamplePod.exec("c2", "e1", ["sh"]), .refusedByPolicy, prelude: upApp)
        try expectRefused(.execProcess, SamplePod.exec("c9", "e1", ["cat", "/etc/app/app.conf"]), .refusedByState, prelude: upApp)
        let path = "/run/kata-containers/shared/containers/abc123-0123456789abcdef-app-config/app.conf"
        let tampered = SamplePod.json(["path": path, "file_type": "Regular", "data": Data("mode=debug\n".utf8).base64EncodedString()])
        try expectRefused(.copyFile, tampered, .refusedByPolicy)
        let escape = SamplePod.json(["path": "/run/kata-containers/shared/containers/../../../etc/app.conf", "file_type": "Regular",
                                     "data": Data(SamplePod.configText.utf8).base64EncodedString()])
        try expectRefused(.copyFile, escape, .refusedByPolicy)
        // The bound content itself is accepted.
        var host = Host(gate: try gate(RecordingExecutor(exitOnStart: ["c1": true])))
        _ = host.bootToApps()
        let bound = SamplePod.json(["path": path, "file_type": "Regular", "data": Data(SamplePod.configText.utf8).base64EncodedString()])
        #expect(host.send(.copyFile, bound).0 == .ok)
    }

    @Test func orderAndPresenceAreEnforced() throws {
        // Start an app container before the init container completed: the init container never exits here.
        let executor = RecordingExecutor()
        var host = Host(gate: try gate(executor))
        _ = host.send(.createSandbox, SamplePod.sandbox)
        #expect(host.send(.createContainer, SamplePod.container("c2", name: "app")).0 == .refusedByState)
        #expect(host.send(.createContainer, SamplePod.container("c1", name: "setup")).0 == .ok)
        #expect(host.send(.startContainer, SamplePod.start("c1")).0 == .ok)
        #expect(host.send(.createContainer, SamplePod.container("c2", name: "app")).0 == .refusedByState)
        #expect(executor.verbs == [.createSandbox, .createContainer, .startContainer])
        // A failed init container blocks the pod for good.
        let failing = RecordingExecutor(exitOnStart: ["c1": false])
        var second = Host(gate: try gate(failing))
        _ = second.send(.createSandbox, SamplePod.sandbox)
        _ = second.send(.createContainer, SamplePod.container("c1", name: "setup"))
        _ = second.send(.startContainer, SamplePod.start("c1"))
        #expect(second.send(.createContainer, SamplePod.container("c2", name: "app")).0 == .refusedByState)
        // Skip the app container, or leave the sidecar out and declare the pod ready.
        try expectRefused(.createContainer, SamplePod.container("c3", name: "sidecar"), .refusedByState)
        try expectRefused(.createContainer, SamplePod.container("c3", name: "intruder"), .refusedByState)
        try expectRefused(.podReady, Array("{}".utf8), .refusedByState, prelude: { host in
            _ = host.send(.createContainer, SamplePod.container("c2", name: "app"))
            _ = host.send(.startContainer, SamplePod.start("c2"))
        })
        try expectRefused(.startContainer, SamplePod.start("c1"), .refusedByState)
        try expectRefused(.createSandbox, SamplePod.sandbox, .refusedByState)
    }

    @Test func replayedUIDs() throws {
        let executor = RecordingExecutor()
        let gate = try gate(executor)
        let first = gate.handle(.order(.createSandbox, uid: 7, noun: SamplePod.sandbox))
        #expect(first == .reply(.ok, uid: 7))
        #expect(gate.handle(.order(.createSandbox, uid: 7, noun: SamplePod.sandbox)) == .reply(.ok, uid: 7))
        #expect(gate.handle(.order(.destroySandbox, uid: 7, noun: Array("{}".utf8))) == .reply(.uidConflict, uid: 7))
        #expect(gate.handle(.order(.createSandbox, uid: 7, noun: Array(#"{"hostname":"x"}"#.utf8))) == .reply(.uidConflict, uid: 7))
        #expect(executor.count == 1)
        #expect(gate.podState.sandbox == .created)
    }

    @Test func unknownVerbsAndMalformedNouns() throws {
        let executor = RecordingExecutor()
        let gate = try gate(executor)
        #expect(gate.handle(Frame(kind: .order, code: 0x7777, uid: 1, body: Array("{}".utf8))) == .reply(.unknownVerb, uid: 1))
        #expect(gate.handle(.order(.startContainer, uid: 2, noun: Array("not json".utf8))) == .reply(.malformedNoun, uid: 2))
        #expect(gate.handle(Frame(kind: .reply, code: 0, uid: 3)) == .reply(.malformedFrame, uid: 3))
        #expect(executor.count == 0)
        #expect(gate.handle(.order(.createSandbox, uid: 4, noun: SamplePod.sandbox)) == .reply(.ok, uid: 4))
    }

    @Test func aFloodIsBoundedAndTheGateKeepsServing() throws {
        let executor = RecordingExecutor()
        let gate = Gate(policy: try SamplePod.policy(), executor: executor, uidCapacity: 500)
        var statuses: [GateStatus: Int] = [:]
        for uid in UInt64(1)...2_000 {
            let reply = gate.handle(.order(.execProcess, uid: uid, noun: SamplePod.exec("c1", "e\(uid)", ["sh"])))
            statuses[GateStatus(rawValue: reply.code) ?? .malformedFrame, default: 0] += 1
        }
        #expect(statuses == [.refusedByState: 500, .capacityExhausted: 1_500])
        #expect(executor.count == 0)
        // Remembered UIDs still answer polls, and replays keep their status.
        #expect(gate.handle(.poll(uid: 1)) == .reply(.refusedByState, uid: 1))
        #expect(gate.handle(.poll(uid: 1_999)) == .reply(.unknownUID, uid: 1_999))
    }

    @Test func executionFailureIsReportedAndChangesNoState() throws {
        let executor = RecordingExecutor(failing: [.createSandbox])
        var host = Host(gate: try gate(executor))
        #expect(host.send(.createSandbox, SamplePod.sandbox).0 == .executionFailed)
        #expect(host.gate.podState.sandbox == .booting)
    }
}
