#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
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
    private let children = Mutex<[String: ChildProcess]>([:])
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
            guard limit > 0 else { return [] }
            let fd = open(state.appendingPathComponent(key).path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return [] }
            defer { close(fd) }
            var bytes = [UInt8](repeating: 0, count: limit)
            var filled = 0
            while filled < limit {
                let n = bytes.withUnsafeMutableBytes { buffer in
                    pread(fd, buffer.baseAddress.map { $0 + filled }, limit - filled, off_t(offset) + off_t(filled))
                }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                filled += n
            }
            offsets[key] = offset + UInt64(filled)
            return Array(bytes.prefix(filled))
        }
    }

    public func shutdown() {
        children.withLock { running in
            for child in running.values { child.signal() }
        }
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
            let config = try JSONValue(parsing: [UInt8](Data(contentsOf: source.appendingPathComponent("config.json"))))
            guard case .object(var spec) = config, case .object(var specProcess)? = spec["process"] else {
                throw ExecutionError("\(name): config.json has no process")
            }
            func strings(_ values: [Value]) -> JSONValue { .array(values.compactMap(\.stringValue).map(JSONValue.string)) }
            specProcess["terminal"] = .bool(false)
            if case .array(let args)? = process[.string("Args")] { specProcess["args"] = strings(args) }
            if case .array(let env)? = process[.string("Env")] { specProcess["env"] = strings(env) }
            if let cwd = process[.string("Cwd")]?.stringValue, cwd.hasPrefix("/") { specProcess["cwd"] = .string(cwd) }
            if let uid = process[.string("User")]?[.string("UID")]?.numberValue.flatMap({ Int64("\($0)") }) {
                let gid = process[.string("User")]?[.string("GID")]?.numberValue.flatMap({ Int64("\($0)") }) ?? 0
                specProcess["user"] = .object(["uid": .int(uid), "gid": .int(gid)])
            }
            spec["process"] = .object(specProcess)
            var rootSpec = spec["root"]?.objectValue ?? [:]
            rootSpec["path"] = .string(source.appendingPathComponent("rootfs").resolvingSymlinksInPath().path)
            spec["root"] = .object(rootSpec)
            try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
            try RuntimeBundle.encode(.object(spec)).write(to: bundle.appendingPathComponent("config.json"))
        } catch let error as ExecutionError {
            throw error
        } catch {
            throw ExecutionError("\(name): \(error)")
        }
        prepared.withLock { $0[id] = bundle }
    }

    private func spawn(_ arguments: [String], key: String) throws(ExecutionError) -> ChildProcess {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw ExecutionError("cannot create \(root.path): \(error)")
        }
        do {
            return try ChildProcess.spawn(runc, arguments: ["--root", root.path] + arguments,
                                          standardOutput: state.appendingPathComponent(key + ".out").path,
                                          standardError: state.appendingPathComponent(key + ".err").path)
        } catch {
            throw ExecutionError("runc: \(error)")
        }
    }

    private func launch(key: String, arguments: [String], exited: @escaping @Sendable (Bool) -> Void) throws(ExecutionError) {
        try children.withLock { running throws(ExecutionError) in
            let child = try spawn(arguments, key: key)
            running[key] = child
            let waiter = DetachedThread.start { [self] in
                let termination = child.wait { children.withLock { $0[key] = nil } }
                exited(termination.isSuccess)
            }
            guard waiter else {
                running[key] = nil
                child.signal(SIGKILL)
                _ = child.wait()
                throw ExecutionError("runc: cannot start a thread to wait for it")
            }
        }
    }

    private func runToCompletion(_ arguments: [String]) throws(ExecutionError) {
        let termination = try spawn(arguments, key: "runc-" + (arguments.first ?? "call")).wait()
        guard termination.isSuccess else { throw ExecutionError("runc \(arguments.first ?? "") \(termination)") }
    }
}
