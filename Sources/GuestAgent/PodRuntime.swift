import Gate
import GuestAttester
import KBSClient

/// Where the pod's images come from: pull through the forwarded registry port, decrypt with keys from the broker,
/// unpack into a bundle (``ImagePipeline``). The agent measures each pull it reports.
public protocol PodRuntime: Sendable {
    /// Pulls, decrypts and unpacks `image` into the bundle of `container`, fetching keys through `keys`; returns the
    /// manifest digest (`sha256:…`) of what was unpacked.
    func prepare(image: String, container: String, keys: KBSSession) async throws -> String
}

/// An executor that records each container start as a runtime measurement before the workload runs, then hands
/// the order to the real executor (runc).
public struct MeasuringExecutor: Executor {
    /// The executor that runs containers.
    public let inner: any Executor
    /// Where starts are recorded.
    public let measurements: RuntimeMeasurements

    /// Wraps an executor.
    public init(inner: any Executor, measurements: RuntimeMeasurements) {
        self.inner = inner
        self.measurements = measurements
    }

    public func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {
        if order.verb == .startContainer {
            let container = order.containerID ?? ""
            do {
                try measurements.record(try .startContainer(container.isEmpty ? "unnamed" : container, image: order.noun[.string("image")]?.stringValue ?? "unknown"))
            } catch {
                throw ExecutionError("cannot measure the start of \(container): \(error)")
            }
        }
        try inner.execute(order, events: events)
    }

    public func read(_ order: Order) throws(ExecutionError) -> [UInt8] { try inner.read(order) }

    public func shutdown() { inner.shutdown() }
}
