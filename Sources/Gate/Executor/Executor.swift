/// What the workload reports back: the only things that ring the doorbell.
public enum ExecutorEvent: Sendable, Hashable {
    /// A container's main process exited.
    case containerExited(containerID: String, success: Bool)
    /// An exec'd process exited.
    case processExited(containerID: String, execID: String, success: Bool)
}

/// Why an executor could not carry out an accepted order (the host sees only `execution-failed`).
public struct ExecutionError: Error, Sendable, CustomStringConvertible {
    /// What failed, for the guest's log.
    public let reason: String
    /// An error with a reason.
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Carries out orders the gate has accepted. The gate calls it for accepted orders only, one at a time.
public protocol Executor: Sendable {
    /// Carries out an accepted order.
    /// - Parameter events: where to report later workload events (process exits), from any thread.
    /// - Throws: ``ExecutionError`` when the order could not be carried out.
    func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError)

    /// The next bytes of a process's output for an accepted `ReadStdout` or `ReadStderr` order (at most the noun's
    /// `len`), empty when nothing new was written; what the policy's `ReadStreamRequest` lets the host read.
    func read(_ order: Order) throws(ExecutionError) -> [UInt8]

    /// Stops everything the executor started (called when the gate shuts down).
    func shutdown()
}

extension Executor {
    /// No output: an executor that keeps none.
    public func read(_ order: Order) throws(ExecutionError) -> [UInt8] { [] }
}

/// The `none` executor: accepts every order and runs nothing. For checking policies and the host's order stream.
public struct NoneExecutor: Executor {
    /// The executor.
    public init() {}

    public func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {}

    public func shutdown() {}
}
