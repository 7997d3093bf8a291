import NIOCore
import NIOPosix

/// Which threads run the server's Swift tasks: the broker's request handling, its verifiers and its policies.
///
/// On Linux, Swift Concurrency's default global executor is libdispatch's thread pool, which adds workers by polling
/// once a second; under the broker's load (short jobs, each ending in a hop to GRDB's queues) it kept one worker busy
/// and left the second core mostly idle. NIO's event loop group, installed as the global executor, runs tasks on one
/// thread per core: the threads Hummingbird already serves HTTP on. It keeps both cores busy, but the flows per second
/// rose by 0–20% depending on the flow, within run-to-run noise for some, so it is offered, not the default.
/// `KeyBrokerThroughput` measures both (`HERMETIC_EXECUTOR`).
public enum ServerExecutor: String, Sendable, CaseIterable {
    /// `MultiThreadedEventLoopGroup.singleton` as Swift Concurrency's global executor, through NIO's hook.
    case nio
    /// Swift Concurrency's own global executor, unchanged (the default for `hermetic serve`).
    case dispatch

    /// Makes this executor the process's global executor. Call it once, on the main thread, before the server's tasks
    /// start; ``dispatch`` changes nothing.
    ///
    /// - Returns: whether this executor now runs the process's tasks (false when this toolchain offers no hook, so the
    ///   default executor stays).
    @discardableResult
    public func install() -> Bool {
        switch self {
        case .dispatch:
            return true
        case .nio:
            return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
    }
}
