import Attestation
import Crypto
import Foundation
import HermeticCore
import JOSE
import ReferenceValues
import Rego
import Storage

/// The Key Broker Service: Trustee's KBS protocol (RCAR, resources, admin API) over any HTTP server.
///
/// It holds no per-guest state of its own: sessions, policies, reference values, resources and the audit log are
/// in the ``BrokerStore``, so replicas sharing a store serve any step. Compiled policies are cached by source.
public final class KeyBroker: Sendable {
    /// Where everything is kept.
    public let store: any BrokerStore
    /// Limits and lifetimes.
    public let configuration: BrokerConfiguration
    /// The verifier of each accepted TEE.
    public let verifiers: VerifierRegistry
    /// Signs EAR tokens.
    public let signer: EARSigner
    /// Counters for `/metrics`.
    public let metrics = BrokerMetrics()
    let tokenVerifier: EARTokenVerifier
    let admin: AdminAuthenticator
    let clock: @Sendable () -> Date
    let configurationCache = ConfigurationCache()

    enum CompiledPolicy: Sendable {
        case attestation(source: String, policy: AppraisalPolicy)
        /// `readsReferenceValues`: the source calls `query_reference_value`, so an evaluation needs the values bound.
        case resource(source: String, query: PreparedQuery, readsReferenceValues: Bool)

        var source: String {
            switch self {
            case .attestation(let source, _), .resource(let source, _, _): source
            }
        }
    }

    /// Creates a broker and stores the default policies where none are stored.
    ///
    /// - Parameters:
    ///   - store: the store.
    ///   - configuration: limits and lifetimes.
    ///   - verifiers: the accepted TEEs.
    ///   - signer: the EAR signer (its key also verifies tokens presented back).
    ///   - admin: the admin authenticator.
    ///   - clock: the time source (tests fix it).
    /// - Throws: ``StoreError`` when the defaults cannot be stored.
    public init(
        store: any BrokerStore, configuration: BrokerConfiguration = BrokerConfiguration(), verifiers: VerifierRegistry,
        signer: EARSigner, admin: AdminAuthenticator, clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        self.store = store
        self.configuration = configuration
        self.verifiers = verifiers
        self.signer = signer
        self.admin = admin
        self.clock = clock
        tokenVerifier = await EARTokenVerifier(trusting: [signer.publicKey])
        _ = try await store.insertPolicyIfAbsent(id: DefaultPolicies.attestationKey("default_cpu"), source: DefaultPolicies.trusteeDefaultCPU)
        _ = try await store.insertPolicyIfAbsent(id: DefaultPolicies.attestationKey("default_gpu"), source: DefaultPolicies.trusteeDefaultGPU)
        _ = try await store.insertPolicyIfAbsent(id: DefaultPolicies.resourceKey, source: DefaultPolicies.resource)
    }

    /// Answers one request under `/kbs/v0/`. Never throws: every failure becomes an `ErrorInformation` response.
    public func handle(_ request: BrokerRequest) async -> BrokerResponse {
        let start = ContinuousClock.now
        let response = await respond(to: request)
        metrics.request(duration: ContinuousClock.now - start, requestBytes: request.body.count, responseBytes: response.body.count)
        return response
    }

    private func respond(to request: BrokerRequest) async -> BrokerResponse {
        guard request.body.count <= configuration.maxBodyBytes else {
            return .error(KBSError(.httpFailed, "request body of \(request.body.count) bytes exceeds the limit of \(configuration.maxBodyBytes) bytes", status: 413))
        }
        do {
            return try await route(request)
        } catch let error as KBSError {
            return .error(error)
        } catch let error as StoreError {
            return .error(KBSError(.pluginInternalError, "storage: \(error.message)"))
        } catch {
            return .error(KBSError(.httpFailed, "internal error: \(type(of: error))"))
        }
    }

    private func route(_ request: BrokerRequest) async throws -> BrokerResponse {
        let segments = request.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let rest = segments.count > 1 ? segments[1] : ""
        switch (request.method, segments[0]) {
        case ("POST", "auth"): return try await auth(request)
        case ("POST", "attest"): return try await attest(request)
        case ("GET", "resource"): return try await getResource(request, path: rest)
        case ("POST", "resource"), ("PUT", "resource"): return try await setResource(request, path: rest)
        case ("DELETE", "resource"): return try await deleteResource(request, path: rest)
        case ("POST", "attestation-policy"): return try await setAttestationPolicy(request)
        case ("POST", "resource-policy"): return try await setResourcePolicy(request)
        case ("GET", "resource-policy"): return try await listResourcePolicies(request)
        case ("POST", "reference-value"): return try await setReferenceValues(request)
        case ("GET", "reference-value"): return try await getReferenceValue(request, id: rest)
        case ("DELETE", "reference-value"): return try await deleteReferenceValue(request, id: rest)
        case ("GET", "audit-log") where rest.isEmpty: return try await auditLog(request)
        case (_, "auth"), (_, "attest"), (_, "resource"), (_, "attestation-policy"), (_, "resource-policy"), (_, "reference-value"), (_, "audit-log"):
            throw KBSError(.invalidRequestPath, "\(request.method) is not allowed on /kbs/v0/\(segments[0])")
        default:
            throw KBSError(.pluginNotFound, "no plugin \"\(segments[0].prefix(64))\" (this broker serves resource)")
        }
    }

    // MARK: - Helpers shared by the endpoints

    func parseJSON(_ body: [UInt8], _ what: String) throws -> JSONValue {
        guard !body.isEmpty else { throw KBSError(.serdeError, "\(what): empty body, expected JSON") }
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw KBSError(.serdeError, "\(what): the body is not valid JSON")
        }
    }

    func sessionCookie(_ session: SessionRecord) -> (String, String) {
        ("Set-Cookie", "kbs-session-id=\(session.id); Expires=\(Self.httpDate(session.expiresAt))")
    }

    /// An HTTP date (RFC 9110 §5.6.7, `Sun, 06 Nov 1994 08:49:37 GMT`), formatted without a `DateFormatter`, whose
    /// construction cost more than the rest of an auth request.
    static func httpDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }

    func audit(_ event: AuditEvent) async {
        // An audit failure must not turn a verdict into a crash; it is counted for alerting.
        do { _ = try await store.appendAudit(event) } catch { metrics.auditFailure() }
    }

    /// The compiled policy stored under `key` at configuration `generation`: from the cache while the generation is
    /// unchanged, otherwise read again (and compiled only when its source changed).
    func compiledPolicy(key: String, resource: Bool, generation: Int64) async throws -> CompiledPolicy? {
        if let cached = configurationCache.policy(key: key, generation: generation) { return cached }
        let policy: CompiledPolicy?
        if let source = try await store.policy(id: key) {
            policy = try configurationCache.compiled(key: key, source: source) ?? Self.compile(id: key, source: source, resource: resource)
        } else {
            policy = nil
        }
        configurationCache.store(policy: policy, key: key, generation: generation)
        return policy
    }

    /// The reference values at configuration `generation` that have not expired at `now`: the stored records are
    /// cached like the policies, and the expiry is checked on every use, so a value stops being served the moment
    /// it expires (the policy sees it as absent).
    func referenceValues(generation: Int64, at now: Date) async throws -> [String: Rego.Value] {
        let records: [String: ConfigurationCache.ReferenceValue]
        if let cached = configurationCache.referenceValues(generation: generation) {
            records = cached
        } else {
            var loaded: [String: ConfigurationCache.ReferenceValue] = [:]
            for (name, json) in try await store.referenceValues() {
                guard let stored = StoredReferenceValue.decode(id: name, json: json) else { continue }
                loaded[name] = ConfigurationCache.ReferenceValue(value: Rego.Value(stored.value), expires: stored.expires)
            }
            configurationCache.store(referenceValues: loaded, generation: generation)
            records = loaded
        }
        return records.compactMapValues { record in
            guard let expires = record.expires, now > expires else { return record.value }
            return nil
        }
    }

    static func compile(id: String, source: String, resource: Bool) throws -> CompiledPolicy {
        do {
            if resource {
                // Resource policies may read reference values too (a Hermetic extension: Trustee's see only the
                // token), so a release can depend on registered facts, such as which pod may have which resource.
                let policy = try Policy(modules: [(name: "resource-policy.rego", source: source)],
                                        builtins: BuiltinRegistry.standard.adding(.queryReferenceValue(TaskReferenceValues())))
                return .resource(source: source, query: try policy.prepare(query: "hermetic_allow := data.policy.allow"),
                                 readsReferenceValues: source.contains("query_reference_value"))
            }
            let name = id.split(separator: "/").last.map(String.init) ?? id
            return .attestation(source: source, policy: try AppraisalPolicy(id: name, source: source, referenceValues: TaskReferenceValues()))
        } catch {
            throw KBSError(.parsePolicyError, "policy \(id) does not compile: \(error)")
        }
    }
}
