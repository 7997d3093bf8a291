import Synchronization

/// Counters under Trustee's metric names (`kbs_attestation_requests_total{tee_type}`, ...), rendered in the
/// Prometheus text format.
public final class BrokerMetrics: Sendable {
    private let counters = Mutex<[String: [String: Int]]>([:])

    /// Creates empty counters.
    public init() {}

    /// Adds one to `name` with `labels` (already formatted, such as `tee_type="snp"`, or empty).
    public func increment(_ name: String, labels: String = "") {
        counters.withLock { $0[name, default: [:]][labels, default: 0] += 1 }
    }

    /// The value of a counter.
    public func value(_ name: String, labels: String = "") -> Int {
        counters.withLock { $0[name]?[labels] ?? 0 }
    }

    /// The Prometheus text exposition of every counter.
    public func prometheusText() -> String {
        let snapshot = counters.withLock { $0 }
        var out = ""
        for name in snapshot.keys.sorted() {
            out += "# TYPE \(name) counter\n"
            for (labels, value) in (snapshot[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(labels)} \(value)\n"
            }
        }
        return out
    }
}
