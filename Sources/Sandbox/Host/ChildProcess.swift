import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A host process the sandbox started, in a process group of its own, with stdout and stderr going to a file.
///
/// ``terminate(grace:)`` signals the whole group (SIGTERM, then SIGKILL after the grace period) and reaps the child,
/// so nothing it spawned (QEMU's guestfwd `nc` helpers, swtpm's children) outlives it.
public final class ChildProcess: @unchecked Sendable {
    /// The process id, which is also its process group id.
    public let pid: pid_t
    /// The program.
    public let path: String
    /// Where its output goes.
    public let logPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `path` with `arguments` in a new process group; output is appended to `logPath`.
    ///
    /// - Throws: ``SandboxError/Code/launch`` when the program cannot be spawned.
    public init(_ path: String, _ arguments: [String], logPath: String, environment: [String: String]? = nil) throws(SandboxError) {
        self.path = path
        self.logPath = logPath
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in env { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, path, &actions, &attributes, argv, env)
        guard status == 0 else {
            throw SandboxError(.launch, "cannot start \(path): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// The exit status when the process has exited (a signal number is reported as 128 + signal), else nil.
    /// Once the leader has exited, what is left of its group is killed before the leader is reaped, while the
    /// group id cannot yet belong to anyone else.
    public var exited: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var info = siginfo_t()
        let peek = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        guard peek != 0 || info.si_signo == SIGCHLD else { return nil }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        exitStatus = waitpid(pid, &status, 0) == pid ? Self.decode(status) : -1
        return exitStatus
    }

    /// Waits up to `timeout` seconds for the process to exit; returns its status, or nil if it is still running.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exited { return status }
            usleep(10_000)
        }
        return exited
    }

    /// Signals the process group with SIGTERM, waits up to `grace` seconds, then SIGKILLs the group; reaps the
    /// child (``exited`` kills the rest of the group first). Safe to call more than once.
    public func terminate(grace: Double = 2) {
        guard exited == nil else { return }
        kill(-pid, SIGTERM)
        if wait(timeout: grace) == nil {
            kill(-pid, SIGKILL)
            _ = wait(timeout: 5)
        }
    }

    /// The log's last `limit` bytes, for error messages.
    public func logTail(_ limit: Int = 2000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(limit), as: UTF8.self)
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
