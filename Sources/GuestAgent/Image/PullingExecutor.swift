#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Gate

/// The guest-pull step in front of the runtime: for an accepted CreateContainer of an application container, the
/// image its annotation names (which the policy pinned by digest) is pulled, decrypted and unpacked into the
/// container's bundle before the order reaches the inner executor. A failed pull (an unreachable registry, a key
/// the broker refused, a tampered layer) fails the order; nothing runs.
public final class PullingExecutor: Executor {
    /// Prepares the bundle for `(image, container name)` and returns the image digest.
    public typealias Pull = @Sendable (_ image: String, _ container: String) async throws -> String

    private let inner: any Executor
    private let pull: Pull
    private let log: @Sendable (String) -> Void

    /// Wraps `inner`; `pull` runs on the concurrency pool while the gate's thread waits for it.
    public init(inner: any Executor, pull: @escaping Pull, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.inner = inner
        self.pull = pull
        self.log = log
    }

    public func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {
        if order.verb == .createContainer {
            let annotations = order.noun[.string("OCI")]?[.string("Annotations")]
            if annotations?[.string("io.kubernetes.cri.container-type")]?.stringValue == "container" {
                guard let image = annotations?[.string("io.kubernetes.cri.image-name")]?.stringValue,
                      let name = annotations?[.string("io.kubernetes.cri.container-name")]?.stringValue else {
                    throw ExecutionError("the container names no image")
                }
                let started = Date()
                let digest = try Self.wait { try await self.pull(image, name) }
                log("pulled \(image) for \(name) (\(digest)) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
            }
        }
        try inner.execute(order, events: events)
    }

    public func read(_ order: Order) throws(ExecutionError) -> [UInt8] { try inner.read(order) }

    public func shutdown() { inner.shutdown() }

    private static func wait(_ work: @escaping @Sendable () async throws -> String) throws(ExecutionError) -> String {
        switch BlockingWait.run(work) {
        case .success(let digest): return digest
        case .failure(let error): throw ExecutionError("image: \(error)")
        }
    }
}
