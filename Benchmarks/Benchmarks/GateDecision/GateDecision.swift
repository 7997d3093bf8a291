import Benchmark
import Foundation
import Gate

/// One gate decision (Executive: frame and noun schema; UID table; Servicer; agent policy in Rego) per iteration,
/// for a CreateContainer order and an ExecProcess order, against Hermetic's own rules with a two-container pod.
/// The gate is built and brought to the right state once, outside the measured closure; `decide` changes no state
/// for an order it accepts, so every iteration decides the same order from the same state.
/// The set-up's orders were not accepted: the benchmark would time a refusal.
private struct NotAccepted: Error {}

private enum Pod {
    static let image = "docker.io/library/busybox@sha256:" + String(repeating: "ab", count: 32)
    static let policyData = """
        {"pause_args": ["/pause"], "default_caps": ["CAP_CHOWN", "CAP_KILL"],
         "default_mounts": [{"destination": "/proc", "type": "proc"}],
         "dynamic_env": ["^HOSTNAME=[A-Za-z0-9_.-]+$", "^[A-Z][A-Z0-9_]*_SERVICE_HOST=([0-9]{1,3}\\\\.){3}[0-9]{1,3}$"],
         "files": [],
         "containers": [
           {"name": "app", "image": "\(image)", "args": ["httpd", "-f", "-p", "8080"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MODE=prod", "LOG=info"],
            "mounts": [{"destination": "/etc/app", "type": "bind", "readonly": true,
                        "source": "^/run/kata-containers/shared/containers/[a-z0-9]+-[a-z0-9]{16}-app-config$"}],
            "run_as_user": 1000, "no_new_privileges": true, "privileged": false,
            "exec": [["cat", "/etc/app/app.conf"]], "copy_files": false},
           {"name": "sidecar", "image": "\(image)", "args": ["sleep", "3600"], "env": ["PATH=/bin"], "mounts": [],
            "run_as_user": null, "no_new_privileges": true, "privileged": false, "exec": [], "copy_files": false}],
         "hermetic": {"containers": [{"name": "app", "init": false}, {"name": "sidecar", "init": false}]}}
        """

    static func container(_ id: String, _ name: String, _ args: [String], _ env: [String], _ mounts: String, _ uid: Int) -> [UInt8] {
        let json = """
            {"container_id": "\(id)", "exec_id": "\(id)", "OCI": {
              "Process": {"Args": \(list(args)), "Env": \(list(env + ["HOSTNAME=pod", "DB_SERVICE_HOST=10.0.0.7"])),
                          "NoNewPrivileges": true, "User": {"UID": \(uid), "GID": 0}, "Cwd": "/",
                          "Capabilities": {"Bounding": ["CAP_CHOWN", "CAP_KILL"], "Effective": ["CAP_CHOWN"], "Permitted": ["CAP_CHOWN"]}},
              "Mounts": [\(mounts){"destination": "/proc", "type": "proc", "source": "proc", "options": []}],
              "Annotations": {"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.container-name": "\(name)",
                              "io.kubernetes.cri.image-name": "\(image)", "io.kubernetes.cri.sandbox-id": "abc123"}}}
            """
        return Array(json.utf8)
    }

    static func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    static let app = container("c1", "app", ["httpd", "-f", "-p", "8080"],
                               ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MODE=prod", "LOG=info"],
                               #"{"destination": "/etc/app", "type": "bind", "options": ["rbind", "ro"], "source": "/run/kata-containers/shared/containers/abc123-0123456789abcdef-app-config"}, "#,
                               1000)

    static func core() throws -> GateCore {
        let policy = try AgentPolicy(source: HermeticRules.source + "\npolicy_data := " + policyData)
        var core = GateCore(policy: policy)
        let sandbox = Array(#"{"hostname": "pod", "storages": [], "kernel_modules": [], "sandbox_pidns": false}"#.utf8)
        try run(&core, .order(.createSandbox, uid: 1, noun: sandbox))
        return core
    }

    static func run(_ core: inout GateCore, _ frame: Frame) throws {
        guard case .execute(let order, let decision) = core.decide(frame) else { throw NotAccepted() }
        _ = core.finish(order, decision: decision, executed: true)
    }

    /// A core with the app container running, and the exec order to decide.
    static func running() throws -> (GateCore, Frame) {
        var core = try core()
        try run(&core, .order(.createContainer, uid: 2, noun: app))
        try run(&core, .order(.startContainer, uid: 3, noun: Array(#"{"container_id": "c1"}"#.utf8)))
        let exec = #"{"container_id": "c1", "exec_id": "e1", "process": {"Args": ["cat", "/etc/app/app.conf"], "Env": ["PATH=/bin"], "Cwd": "/", "User": {"UID": 1000, "GID": 0}}}"#
        return (core, .order(.execProcess, uid: 4, noun: Array(exec.utf8)))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    let create = Result { try Pod.core() }
    Benchmark("Gate decision: CreateContainer (Executive + Servicer + Rego)") { benchmark in
        var core = try create.get()
        let frame = Frame.order(.createContainer, uid: 2, noun: Pod.app)
        guard case .execute = core.decide(frame) else { throw NotAccepted() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(core.decide(frame))
        }
    }

    let exec = Result { try Pod.running() }
    Benchmark("Gate decision: ExecProcess (Executive + Servicer + Rego)") { benchmark in
        var (core, frame) = try exec.get()
        guard case .execute = core.decide(frame) else { throw NotAccepted() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(core.decide(frame))
        }
    }
}
