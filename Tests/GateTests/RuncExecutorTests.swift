import Foundation
import Testing
@testable import Gate
import Synchronization

/// The gate in front of real processes: runc runs busybox bundles. Skips with a message without runc,
/// busybox-static or root (CI installs runc and busybox-static and runs as root).
@Suite(.serialized) struct RuncExecutorTests {
    static let runc = "/usr/sbin/runc"
    static let busybox = "/bin/busybox"

    static var missing: String? {
        if !FileManager.default.isExecutableFile(atPath: runc) { return "runc is not installed (apt-get install runc)" }
        if !FileManager.default.isExecutableFile(atPath: busybox) { return "busybox-static is not installed (apt-get install busybox-static)" }
        if getuid() != 0 { return "runc needs root here" }
        return nil
    }

    static let policyData = """
        {"pause_args": ["/pause"], "default_caps": ["CAP_CHOWN", "CAP_KILL"], "default_mounts": [{"destination": "/proc", "type": "proc"}],
         "dynamic_env": [], "files": [],
         "containers": [
           {"name": "setup", "image": "\(SamplePod.busybox)", "args": ["sh", "-c", "echo ready"], "env": ["PATH=/bin"],
            "mounts": [], "run_as_user": 0, "no_new_privileges": true, "privileged": false, "exec": [], "copy_files": false},
           {"name": "app", "image": "\(SamplePod.busybox)", "args": ["sleep", "30"], "env": ["PATH=/bin"],
            "mounts": [], "run_as_user": 0, "no_new_privileges": true, "privileged": false,
            "exec": [["echo", "hi"]], "copy_files": false}],
         "hermetic": {"containers": [{"name": "setup", "init": true}, {"name": "app", "init": false}]}}
        """

    /// One busybox bundle (rootfs plus `runc spec`'s config), linked under each container name.
    func bundles(in directory: URL) throws -> URL {
        let base = directory.appendingPathComponent("base")
        let bin = base.appendingPathComponent("rootfs/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.busybox, toPath: bin.appendingPathComponent("busybox").path)
        for tool in ["sh", "echo", "sleep", "cat"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path, withDestinationPath: "busybox")
        }
        for directory in ["proc", "dev", "sys", "tmp"] {
            try FileManager.default.createDirectory(at: base.appendingPathComponent("rootfs/" + directory), withIntermediateDirectories: true)
        }
        let spec = Process()
        spec.executableURL = URL(fileURLWithPath: Self.runc)
        spec.arguments = ["spec", "--bundle", base.path]
        try spec.run()
        spec.waitUntilExit()
        let bundles = directory.appendingPathComponent("bundles")
        try FileManager.default.createDirectory(at: bundles, withIntermediateDirectories: true)
        for name in ["setup", "app"] {
            try FileManager.default.createSymbolicLink(at: bundles.appendingPathComponent(name), withDestinationURL: base)
        }
        return bundles
    }

    func waitFor(_ status: GateStatus, uid: UInt64, _ host: Host) -> GateStatus {
        var last = host.poll(uid)
        for _ in 0..<200 where last != status {
            Thread.sleep(forTimeInterval: 0.1)
            last = host.poll(uid)
        }
        return last
    }

    @Test func thePodRunsOnlyWhatThePolicyAllows() throws {
        if let missing = Self.missing {
            print("SKIP RuncExecutorTests: \(missing)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gate-runc-\(UUID().uuidString.prefix(8))")
        defer { if ProcessInfo.processInfo.environment["GATE_KEEP"] == nil { try? FileManager.default.removeItem(at: directory) } }
        let state = directory.appendingPathComponent("state")
        let executor = RuncExecutor(runc: Self.runc, bundles: try bundles(in: directory), state: state)
        let policy = try AgentPolicy(source: HermeticRules.source + "\npolicy_data := " + Self.policyData)
        let rings = RingCounter()
        let gate = Gate(policy: policy, executor: executor)
        gate.onDoorbell { _ in rings.add() }
        defer { gate.shutdown() }
        var host = Host(gate: gate)
        #expect(host.send(.createSandbox, SamplePod.sandbox).0 == .ok)

        // The init container runs to completion; its output stays in the guest's log.
        #expect(host.send(.createContainer, SamplePod.container("c1", name: "setup", env: ["PATH=/bin"], mounts: [], uid: 0)).0 == .ok)
        let (started, setupUID) = host.send(.startContainer, SamplePod.start("c1"))
        #expect(started == .ok)
        #expect(waitFor(.exitedSuccess, uid: setupUID, host) == .exitedSuccess,
                "\((try? String(contentsOf: state.appendingPathComponent("c1.err"), encoding: .utf8)) ?? "no log")")
        #expect(try String(contentsOf: state.appendingPathComponent("c1.out"), encoding: .utf8) == "ready\n")
        #expect(rings.count >= 1)

        // A changed command is refused and nothing reaches runc: no bundle is written for it.
        let changed = SamplePod.container("c2", name: "app", args: ["sh", "-c", "cat /etc/shadow"], env: ["PATH=/bin"], mounts: [], uid: 0)
        #expect(host.send(.createContainer, changed).0 == .refusedByPolicy)
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("c2").path))

        #expect(host.send(.createContainer, SamplePod.container("c2", name: "app", args: ["sleep", "30"], env: ["PATH=/bin"], mounts: [], uid: 0)).0 == .ok)
        let (appStarted, appUID) = host.send(.startContainer, SamplePod.start("c2"))
        #expect(appStarted == .ok)
        #expect(host.poll(appUID) == .running)

        // An allowed exec runs in the container (retried while runc is still starting it); a refused one never runs.
        #expect(host.send(.execProcess, SamplePod.exec("c2", "e0", ["cat", "/etc/passwd"])).0 == .refusedByPolicy)
        var execStatus = GateStatus.executionFailed
        var execUID: UInt64 = 0
        for attempt in 1...50 where execStatus != .exitedSuccess {
            Thread.sleep(forTimeInterval: 0.2)
            let sent = host.send(.execProcess, SamplePod.exec("c2", "e\(attempt)", ["echo", "hi"]))
            execUID = sent.1
            if sent.0 == .ok { execStatus = waitFor(.exitedSuccess, uid: execUID, host) }
            if execStatus != .exitedSuccess {
                if let text = try? String(contentsOf: state.appendingPathComponent("c2.e\(attempt).out"), encoding: .utf8), text == "hi\n" { break }
            }
        }
        #expect(execStatus == .exitedSuccess)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("c2.e0.out").path) == false)

        // Removal kills the running container; its start order then reports a failed exit.
        #expect(host.send(.removeContainer, SamplePod.start("c2")).0 == .ok)
        #expect(waitFor(.exitedFailure, uid: appUID, host) == .exitedFailure)
    }
}

final class RingCounter: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
