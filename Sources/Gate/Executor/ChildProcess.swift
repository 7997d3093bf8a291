#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`: stdin from `/dev/null`, stdout and stderr to files (created or
/// truncated), signal mask and dispositions reset to the defaults. Other descriptors of the parent are inherited unless
/// opened close-on-exec, as the agent opens its own.
///
/// The agent links FoundationEssentials only, which has no `Process`; this is the part of it ``RuncExecutor`` needs.
public struct ChildProcess: Sendable {
    /// How a child ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this status.
        case exited(Int32)
        /// A signal with this number killed it.
        case signalled(Int32)

        /// Whether it exited with status 0.
        public var isSuccess: Bool { self == .exited(0) }

        public var description: String {
            switch self {
            case .exited(let status): return "exited \(status)"
            case .signalled(let signal): return "was killed by signal \(signal)"
            }
        }
    }

    /// Why a child could not be started.
    public struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The executable.
        public let executable: String
        /// What failed.
        public let step: String
        /// The `errno` value.
        public let code: Int32

        public var description: String {
            "cannot \(step) for \(executable): \(String(cString: strerror(code))) (errno \(code))"
        }
    }

    /// The child's process ID.
    public let pid: pid_t

    /// Starts `executable` (a path; `PATH` is not searched) with `arguments` (without the program name) and the
    /// parent's environment.
    /// - Parameters:
    ///   - standardOutput: the file the child's stdout is written to, created (mode 0644) or truncated.
    ///   - standardError: likewise for stderr.
    /// - Throws: ``SpawnError`` when a log file cannot be opened or the executable cannot be run (e.g. ENOENT for a
    ///   missing one, EACCES for one that is not executable).
    public static func spawn(_ executable: String, arguments: [String], standardOutput: String,
                             standardError: String) throws(SpawnError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        let create = O_WRONLY | O_CREAT | O_TRUNC
        var rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if rc == 0 { rc = posix_spawn_file_actions_addopen(&actions, 1, standardOutput, create, 0o644) }
        if rc == 0 { rc = posix_spawn_file_actions_addopen(&actions, 2, standardError, create, 0o644) }
        guard rc == 0 else { throw SpawnError(executable: executable, step: "prepare the descriptors", code: rc) }

        var defaults = sigset_t()
        var empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        rc = posix_spawnattr_setsigdefault(&attributes, &defaults)
        if rc == 0 { rc = posix_spawnattr_setsigmask(&attributes, &empty) }
        if rc == 0 { rc = posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)) }
        guard rc == 0 else { throw SpawnError(executable: executable, step: "set the signal attributes", code: rc) }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        // posix_spawn reports a failed open of a log file with the same errno as the exec, so the step names both.
        guard rc == 0 else { throw SpawnError(executable: executable, step: "open the logs or run", code: rc) }
        return ChildProcess(pid: pid)
    }

    /// Blocks until the child ends and reaps it.
    ///
    /// `beforeReaping` runs once the child has ended but while it is still a zombie, so its pid cannot be reused yet:
    /// the place to forget the pid of a child that others may signal.
    public func wait(beforeReaping: () -> Void = {}) -> Termination {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            guard errno == EINTR else { break }
        }
        beforeReaping()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            // ECHILD: reaped elsewhere (or SIGCHLD ignored); nothing is left to report but failure.
            guard errno == EINTR else { return .exited(-1) }
        }
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    /// Sends `signal` to the child (SIGTERM by default); a child that has already been reaped is not signalled by
    /// callers that forget its pid in ``wait(beforeReaping:)``.
    public func signal(_ signal: Int32 = SIGTERM) {
        _ = kill(pid, signal)
    }
}
