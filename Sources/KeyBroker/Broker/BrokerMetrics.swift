import Prometheus

/// The broker's metrics under Trustee's names, labels and buckets (`kbs_http_requests_total`,
/// `kbs_http_request_duration_seconds`, `kbs_attestation_successes_total{tee_type}`,
/// `kbs_resource_reads_total{resource_path}`, …), kept in a swift-prometheus registry and rendered in the Prometheus
/// text format, so dashboards written for Trustee's KBS work unchanged.
public final class BrokerMetrics: Sendable {
    /// The registry every metric lives in.
    public let registry = PrometheusCollectorRegistry()

    private let httpRequests: Counter
    private let requestDuration: DurationHistogram
    private let requestSizes: ValueHistogram
    private let responseSizes: ValueHistogram
    private let policyEvaluations: Counter
    private let policyApprovals: Counter
    private let policyViolations: Counter
    private let policyErrors: Counter
    private let attestationRequests: Counter
    private let attestationErrors: Counter
    private let authRequests: Counter
    private let authSuccesses: Counter
    private let authErrors: Counter
    private let auditFailures: Counter

    /// Creates the metrics, every unlabelled one at zero.
    public init() {
        httpRequests = registry.makeCounter(descriptor: Self.descriptor("kbs_http_requests_total", "Total HTTP requests count"))
        requestDuration = registry.makeDurationHistogram(
            descriptor: Self.descriptor("kbs_http_request_duration_seconds", "Distribution of request handling duration"),
            buckets: [.microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(500), .seconds(1)]
        )
        let sizeBuckets: [Double] = [32, 128, 512, 2048, 8192]
        requestSizes = registry.makeValueHistogram(descriptor: Self.descriptor("kbs_http_request_size_bytes", "Distribution of request body sizes"), buckets: sizeBuckets)
        responseSizes = registry.makeValueHistogram(descriptor: Self.descriptor("kbs_http_response_size_bytes", "Distribution of response body sizes"), buckets: sizeBuckets)
        policyEvaluations = registry.makeCounter(descriptor: Self.descriptor("kbs_policy_evaluations_total", "Total count of KBS policy evaluations"))
        policyApprovals = registry.makeCounter(descriptor: Self.descriptor("kbs_policy_approvals_total", "Total count of requests approved by KBS policy"))
        policyViolations = registry.makeCounter(descriptor: Self.descriptor("kbs_policy_violations_total", "Total count of requests denied by KBS policy"))
        policyErrors = registry.makeCounter(descriptor: Self.descriptor("kbs_policy_errors_total", "Total count of errors during KBS evaluation"))
        attestationRequests = registry.makeCounter(descriptor: Self.descriptor("kbs_attestation_requests_total", "Total count of attestation requests"))
        attestationErrors = registry.makeCounter(descriptor: Self.descriptor("kbs_attestation_errors_total", "Total count of errors during attestation processing"))
        authRequests = registry.makeCounter(descriptor: Self.descriptor("kbs_auth_requests_total", "Total count of auth requests"))
        authSuccesses = registry.makeCounter(descriptor: Self.descriptor("kbs_auth_successes_total", "Total count of successfully authenticated requests"))
        authErrors = registry.makeCounter(descriptor: Self.descriptor("kbs_auth_errors_total", "Total count of errors during auth processing"))
        auditFailures = registry.makeCounter(descriptor: Self.descriptor("hermetic_audit_failures_total", "Audit records that could not be appended"))
    }

    /// One HTTP request handled: its duration and body sizes.
    func request(duration: Duration, requestBytes: Int, responseBytes: Int) {
        httpRequests.increment()
        requestDuration.record(duration)
        requestSizes.record(Double(requestBytes))
        responseSizes.record(Double(responseBytes))
    }

    /// An auth request, and whether it opened a session.
    func auth(succeeded: Bool) {
        authRequests.increment()
        (succeeded ? authSuccesses : authErrors).increment()
    }

    func attestationRequest() { attestationRequests.increment() }

    /// An attestation's verdict for the session's TEE; `error` when it failed inside the broker rather than on the
    /// evidence.
    func attestation(tee: String, succeeded: Bool, error: Bool = false) {
        let name = succeeded ? "kbs_attestation_successes_total" : "kbs_attestation_failures_total"
        let help = succeeded ? "Total count of attestation successes" : "Total count of attestation failures"
        registry.makeCounter(descriptor: Self.descriptor(name, help), labels: [("tee_type", tee)]).increment()
        if error { attestationErrors.increment() }
    }

    /// A resource policy evaluation and its outcome (`nil`: the policy failed to evaluate).
    func policyEvaluation(allowed: Bool?) {
        policyEvaluations.increment()
        switch allowed {
        case true?: policyApprovals.increment()
        case false?: policyViolations.increment()
        case nil: policyErrors.increment()
        }
    }

    /// An appraisal-policy evaluation during attestation.
    func appraisal() { policyEvaluations.increment() }

    /// A resource read, write or delete at `path`.
    func resource(_ operation: ResourceOperation, path: String) {
        registry.makeCounter(descriptor: Self.descriptor(operation.metricName, operation.help), labels: [("resource_path", path)]).increment()
    }

    /// An audit record lost (the store refused it).
    func auditFailure() { auditFailures.increment() }

    /// The descriptor of a full metric name: everything up to the last `_` is the name, the rest its unit.
    private static func descriptor(_ fullName: String, _ help: String) -> MetricNameDescriptor {
        let split = fullName.lastIndex(of: "_") ?? fullName.endIndex
        let unit = split < fullName.endIndex ? String(fullName[fullName.index(after: split)...]) : ""
        return MetricNameDescriptor(metricName: String(fullName[..<split]), unitName: unit, helpText: help)
    }

    /// The Prometheus text exposition of every metric.
    public func prometheusText() -> String { registry.emitToString() }

    /// Which resource counter.
    enum ResourceOperation {
        case read, write, delete

        var metricName: String {
            switch self {
            case .read: "kbs_resource_reads_total"
            case .write: "kbs_resource_writes_total"
            case .delete: "kbs_resource_deletes_total"
            }
        }

        var help: String {
            switch self {
            case .read: "KBS resource read count"
            case .write: "KBS resource write count"
            case .delete: "KBS resource delete count"
            }
        }
    }
}
