import Foundation
import Rego
import Synchronization

/// Runs the pod with runc: each container from a prepared OCI bundle (`<bundles>/<container name>/`, a
/// `config.json` and its `rootfs`, as umoci unpacks an image), with the process (args, env, cwd, user) taken from
/// the accepted CreateContainer order, so what runs is exactly what the policy allowed.
///
/// CreateContainer writes the bundle's `config.json` for the container id; StartContainer runs `runc run` in the
/// foreground as a child process, whose exit becomes the container's exit event; ExecProcess runs `runc exec`,
/// SignalProcess `runc kill`, RemoveContainer `runc delete --force`. Each process's stdout and stderr go to
/// `<state>/<container id>[.<exec id>].{out,err}`, inside the guest; the host reads them only through ReadStdout and
/// ReadStderr orders the policy accepted, each returning the bytes written since the last read.
public final class RuncExecutor: Executor {
    private let runc: String
    private let bundles: URL
    private let state: URL
    private let root: URL
    private let noPivot: Bool
    private let children = Mutex<[String: Process]>([:])
    private let prepared = Mutex<[String: URL]>([:])
    private let readOffsets = Mutex<[String: UInt64]>([:])
    /// The most one read returns, whatever the order's `len`.
    public static let maximumRead = 64 << 10

    /// An executor.
    /// - Parameters:
    ///   - runc: the runc binary.
    ///   - bundles: the directory of prepared bundles, one per container name.
    ///   - state: where each container's bundle copy, logs and runc's own state live.
    ///   - noPivot: run containers with `--no-pivot`, for a guest whose root is the initramfs (pivot_root cannot
    ///     leave rootfs); the container still gets its own mount namespace and root.
    public init(runc: String = "/usr/sbin/runc", bundles: URL, state: URL, noPivot: Bool = false) {
        self.runc = runc
        self.bundles = bundles
        self.state = state
        self.noPivot = noPivot
        root = state.appendingPathComponent("runc")
    }

    public func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {
        switch order.verb {
        case .createContainer: try create(order)
        case .startContainer:
            guard let id = order.containerID, let bundle = prepared.withLock({ $0[id] }) else { throw ExecutionError("no bundle") }
            try launch(key: id, arguments: ["run"] + (noPivot ? ["--no-pivot"] : []) + ["--bundle", bundle.path, id]) { success in
                events(.containerExited(containerID: id, success: success))
            }
        case .execProcess:
            guard let id = order.containerID, let exec = order.execID,
                  case .array(let args)? = order.noun[.string("process")]?[.string("Args")] else { throw ExecutionError("no process") }
            let strings = args.compactMap(\.stringValue)
            try launch(key: id + "." + exec, arguments: ["exec", id] + strings) { success in
                events(.processExited(containerID: id, execID: exec, success: success))
            }
        case .signalProcess:
            guard let id = order.containerID, let signal = order.noun[.string("signal")]?.numberValue.flatMap({ Int("\($0)") }),
                  (1...64).contains(signal) else { throw ExecutionError("bad signal") }
            try runToCompletion(["kill", id, String(signal)])
        case .removeContainer:
            guard let id = order.containerID else { throw ExecutionError("no container") }
            try runToCompletion(["delete", "--force", id])
        default: break
        }
    }

    public func read(_ order: Order) throws(ExecutionError) -> [UInt8] {
        guard let id = order.containerID else { throw ExecutionError("no container") }
        let exec = order.execID ?? ""
        let key = (exec.isEmpty || exec == id ? id : id + "." + exec) + (order.verb == .readStderr ? ".err" : ".out")
        let wanted = order.noun[.string("len")]?.numberValue.flatMap { Int("\($0)") } ?? Self.maximumRead
        let limit = max(0, min(wanted, Self.maximumRead))
        return readOffsets.withLock { offsets in
            let offset = offsets[key] ?? 0
            guard limit > 0, let handle = FileHandle(forReadingAtPath: state.appendingPathComponent(key).path) else { return [] }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: limit) else { return [] }
            offsets[key] = offset + UInt64(data.count)
            return [UInt8](data)
        }
    }

    public func shutdown() {
        for (_, process) in children.withLock({ $0 }) where process.isRunning { process.terminate() }
        for id in prepared.withLock({ Array($0.keys) }) { try? runToCompletion(["delete", "--force", id]) }
    }

    /// Copies the named bundle's config, sets the accepted process, and links the rootfs.
    private func create(_ order: Order) throws(ExecutionError) {
        let annotations = order.noun[.string("OCI")]?[.string("Annotations")]
        guard let id = order.containerID, let name = annotations?[.string("io.kubernetes.cri.container-name")]?.stringValue,
              NounSchema.isIdentifier(name), let process = order.noun[.string("OCI")]?[.string("Process")] else {
            throw ExecutionError("no container name or process")
        }
        let source = bundles.appendingPathComponent(name)
        let bundle = state.appendingPathComponent(id)
        do {
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("config.json")))
            guard var spec = config as? [String: Any], var specProcess = spec["process"] as? [String: Any] else {
                throw ExecutionError("\(name): config.json has no process")
            }
            specProcess["terminal"] = false
            if case .array(let args)? = process[.string("Args")] { specProcess["args"] = args.compactMap(\.stringValue) }
            if case .array(let env)? = process[.string("Env")] { specProcess["env"] = env.compactMap(\.stringValue) }
            if let cwd = process[.string("Cwd")]?.stringValue, cwd.hasPrefix("/") { specProcess["cwd"] = cwd }
            if let uid = process[.string("User")]?[.string("UID")]?.numberValue.flatMap({ Int("\($0)") }) {
                let gid = process[.string("User")]?[.string("GID")]?.numberValue.flatMap({ Int("\($0)") }) ?? 0
                specProcess["user"] = ["uid": uid, "gid": gid]
            }
            spec["process"] = specProcess
            var rootSpec = spec["root"] as? [String: Any] ?? [:]
            rootSpec["path"] = source.appendingPathComponent("rootfs").resolvingSymlinksInPath().path
            spec["root"] = rootSpec
            try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: spec).write(to: bundle.appendingPathComponent("config.json"))
        } catch let error as ExecutionError {
            throw error
        } catch {
            throw ExecutionError("\(name): \(error.localizedDescription)")
        }
        prepared.withLock { $0[id] = bundle }
    }

    private func process(_ arguments: [String], key: String) throws(ExecutionError) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: runc)
        process.arguments = ["--root", root.path] + arguments
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let out = state.appendingPathComponent(key + ".out")
            let err = state.appendingPathComponent(key + ".err")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
        } catch {
            throw ExecutionError("cannot open logs: \(error.localizedDescription)")
        }
        return process
    }

    private func launch(key: String, arguments: [String], exited: @escaping @Sendable (Bool) -> Void) throws(ExecutionError) {
        let child = try process(arguments, key: key)
        child.terminationHandler = { process in exited(process.terminationReason == .exit && process.terminationStatus == 0) }
        do { try child.run() } catch { throw ExecutionError("runc: \(error.localizedDescription)") }
        children.withLock { $0[key] = child }
    }

    private func runToCompletion(_ arguments: [String]) throws(ExecutionError) {
        let child = try process(arguments, key: "runc-" + (arguments.first ?? "call"))
        do { try child.run() } catch { throw ExecutionError("runc: \(error.localizedDescription)") }
        child.waitUntilExit()
        guard child.terminationStatus == 0 else { throw ExecutionError("runc \(arguments.first ?? "") exited \(child.terminationStatus)") }
    }
}
