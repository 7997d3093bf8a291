import Foundation

/// A ``BrokerServer`` running in a background task, as the quickstart, the tests and the benchmarks use it.
public struct RunningBrokerServer: Sendable {
    /// The bound port.
    public let port: Int
    /// The base URL on loopback.
    public let url: URL
    private let task: Task<Void, any Error>

    init(port: Int, host: String, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
        url = URL(string: "http://\(host):\(port)") ?? URL(fileURLWithPath: "/")
    }

    /// Stops the server (graceful shutdown of the task).
    public func stop() { task.cancel() }
}

extension BrokerServer {
    /// Starts the server in a background task and returns once it accepts connections.
    ///
    /// - Throws: ``ServerError`` when it does not start (the address is in use, ...).
    public func start() async throws -> RunningBrokerServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await run { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw ServerError("the broker did not start on \(host):\(self.port)")
        }
        return RunningBrokerServer(port: port, host: host, task: task)
    }
}
