import Crypto
import Foundation
import Gate
import Rego
import Synchronization

/// Test fixtures under `Tests/Fixtures` (the gate's tests depend on nothing but `Gate` and `Rego`).
enum GateFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func text(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }
}

/// An executor that records every order it is asked to carry out, and reports the exit of the containers named in
/// `exitOnStart` as soon as they start (as an init container's process would).
final class RecordingExecutor: Executor {
    let executed = Mutex<[(Verb, UInt64)]>([])
    let exitOnStart: Mutex<[String: Bool]>
    let failing: Set<Verb>

    init(exitOnStart: [String: Bool] = [:], failing: Set<Verb> = []) {
        self.exitOnStart = Mutex(exitOnStart)
        self.failing = failing
    }

    var count: Int { executed.withLock { $0.count } }
    var verbs: [Verb] { executed.withLock { $0.map(\.0) } }

    func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {
        if failing.contains(order.verb) { throw ExecutionError("configured to fail") }
        executed.withLock { $0.append((order.verb, order.uid)) }
        if order.verb == .startContainer, let id = order.containerID,
           let success = exitOnStart.withLock({ $0[id] }) {
            events(.containerExited(containerID: id, success: success))
        }
    }

    func shutdown() {}
}

/// A small pod as Hermetic's generator would describe it: one init container, two app containers.
enum SamplePod {
    static let busybox = "docker.io/library/busybox@sha256:" + String(repeating: "ab", count: 32)
    static let configText = "mode=prod\n"
    static let configDigest = SHA256.hash(data: Data(configText.utf8)).map { String(format: "%02x", $0) }.joined()

    static let policyData = """
        {
          "pause_args": ["/pause"],
          "default_caps": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETGID", "CAP_SETUID"],
          "default_mounts": [{"destination": "/proc", "type": "proc"}, {"destination": "/dev", "type": "tmpfs"}],
          "dynamic_env": [
            "^HOSTNAME=[A-Za-z0-9_.-]+$",
            "^[A-Z][A-Z0-9_]*_SERVICE_HOST=([0-9]{1,3}\\\\.){3}[0-9]{1,3}$",
            "^[A-Z][A-Z0-9_]*_SERVICE_PORT(_[A-Z0-9_]+)?=[0-9]{1,5}$"
          ],
          "files": [{"name": "app.conf", "sha256": "\(configDigest)"}],
          "containers": [
            {"name": "setup", "image": "\(busybox)", "args": ["sh", "-c", "echo ready"], "env": ["PATH=/bin"],
             "mounts": [], "run_as_user": null, "no_new_privileges": true, "privileged": false, "exec": [], "copy_files": false},
            {"name": "app", "image": "\(busybox)", "args": ["httpd", "-f"], "env": ["PATH=/bin", "MODE=prod"],
             "mounts": [{"destination": "/etc/app", "type": "bind", "readonly": true,
                         "source": "^/run/kata-containers/shared/containers/[a-z0-9]+-[a-z0-9]{16}-app-config$"}],
             "run_as_user": 1000, "no_new_privileges": true, "privileged": false,
             "exec": [["cat", "/etc/app/app.conf"]], "copy_files": true},
            {"name": "sidecar", "image": "\(busybox)", "args": ["sleep", "3600"], "env": ["PATH=/bin"],
             "mounts": [], "run_as_user": null, "no_new_privileges": true, "privileged": false, "exec": [], "copy_files": false}
          ],
          "hermetic": {"containers": [{"name": "setup", "init": true}, {"name": "app", "init": false},
                                      {"name": "sidecar", "init": false}]}
        }
        """

    static func policy() throws -> AgentPolicy {
        try AgentPolicy(source: HermeticRules.source + "\npolicy_data := " + policyData)
    }

    static func json(_ value: Any) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data())
    }

    static let sandbox = json(["hostname": "pod", "storages": [], "kernel_modules": [], "sandbox_pidns": false])

    static func container(_ id: String, name: String, image: String = busybox, args: [String]? = nil,
                          env: [String]? = nil, mounts: [[String: Any]]? = nil, uid: Int? = nil) -> [UInt8] {
        let declared: [String: ([String], [String], [[String: Any]], Int)] = [
            "setup": (["sh", "-c", "echo ready"], ["PATH=/bin"], [], 0),
            "app": (["httpd", "-f"], ["PATH=/bin", "MODE=prod"],
                    [["destination": "/etc/app", "type": "bind", "options": ["rbind", "ro"],
                      "source": "/run/kata-containers/shared/containers/abc123-0123456789abcdef-app-config"]], 1000),
            "sidecar": (["sleep", "3600"], ["PATH=/bin"], [], 0),
        ]
        let base = declared[name] ?? ([], [], [], 0)
        let process: [String: Any] = [
            "Args": args ?? base.0, "Env": env ?? base.1, "NoNewPrivileges": true,
            "User": ["UID": uid ?? base.3, "GID": 0],
            "Capabilities": ["Bounding": ["CAP_CHOWN", "CAP_KILL"], "Effective": ["CAP_CHOWN"], "Permitted": ["CAP_CHOWN"]],
        ]
        let oci: [String: Any] = [
            "Process": process,
            "Mounts": (mounts ?? base.2) + [["destination": "/proc", "type": "proc", "source": "proc", "options": []]],
            "Annotations": ["io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.container-name": name,
                            "io.kubernetes.cri.image-name": image],
        ]
        return json(["container_id": id, "exec_id": id, "OCI": oci])
    }

    static let pause = json(["container_id": "pause0", "exec_id": "pause0", "OCI": [
        "Process": ["Args": ["/pause"], "Env": [], "User": ["UID": 0, "GID": 0]],
        "Annotations": ["io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.container-name": "pause"],
    ] as [String: Any]])

    static func start(_ id: String) -> [UInt8] { json(["container_id": id]) }

    static func exec(_ id: String, _ exec: String, _ args: [String]) -> [UInt8] {
        json(["container_id": id, "exec_id": exec, "process": ["Args": args, "Env": ["PATH=/bin"], "Cwd": "/"]])
    }
}

/// Sends orders to a gate in process, numbering UIDs.
struct Host {
    let gate: Gate
    var next: UInt64 = 1

    mutating func send(_ verb: Verb, _ noun: [UInt8]) -> (GateStatus, UInt64) {
        let uid = next
        next += 1
        let reply = gate.handle(.order(verb, uid: uid, noun: noun))
        return (GateStatus(rawValue: reply.code) ?? .malformedFrame, uid)
    }

    func poll(_ uid: UInt64) -> GateStatus {
        GateStatus(rawValue: gate.handle(.poll(uid: uid)).code) ?? .malformedFrame
    }

    /// Sandbox, pause, the init container run to completion: the point where app containers may be created.
    mutating func bootToApps() -> [GateStatus] {
        [send(.createSandbox, SamplePod.sandbox).0, send(.createContainer, SamplePod.pause).0,
         send(.createContainer, SamplePod.container("c1", name: "setup")).0, send(.startContainer, SamplePod.start("c1")).0]
    }
}
