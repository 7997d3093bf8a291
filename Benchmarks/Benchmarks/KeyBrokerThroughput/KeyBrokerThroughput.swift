import AsyncHTTPClient
import Attestation
import Benchmark
import Crypto
import Foundation
import HermeticCore
import HermeticServer
import JOSE
import KeyBroker
import Logging
import Storage
import TestSupport

/// One broker on loopback for the whole run (SQLite in a temporary directory, the sample TEE allowed, a fake SNP
/// chip's roots trusted, one secret stored, the affirming resource policy with reference values that match), started
/// outside the measured closures. Each measured flow is a guest's whole job over real HTTP: auth → attest →
/// get-resource → decrypt the JWE.
private struct Loopback: Sendable {
    static let secretPath = "default/bench/secret"
    static let secret = Array("correct horse battery staple".utf8)

    let server: RunningBrokerServer
    let client: KBSClient
    /// The same server through async-http-client (swift-nio): a load generator that costs far less per request than
    /// URLSession (libcurl), so the concurrent figures measure the server rather than the client.
    let nioClient: KBSClient
    /// The same broker without HTTP: requests go straight to `KeyBroker.handle(_:)`, to separate the broker's own
    /// cost from Hummingbird's and URLSession's.
    let inProcess: KBSClient
    let chip: FakeSNPChip
    /// The same chip signing with VCEK nonces prepared before measuring: the Secure Processor's share of the work
    /// kept off the measured cores, as on hardware.
    let offCoreChip: FakeSNPChip
    let key: PrivateJWK

    static func start() async throws -> Loopback {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let adminKey = Curve25519.Signing.PrivateKey()
        let chip = try FakeSNPChip(product: .milan)
        var verifiers = VerifierRegistry(allowSample: true)
        verifiers.register(SNPAttestationVerifier(trustStore: chip.trustStore))
        var configuration = BrokerConfiguration()
        configuration.maxLiveSessions = 1_000_000
        let broker = try await KeyBroker(
            store: try SQLiteStore(path: directory.appendingPathComponent("kbs.sqlite").path, kek: .generate()),
            configuration: configuration, verifiers: verifiers, signer: await EARSigner(),
            admin: try await AdminAuthenticator(publicKeysPEM: [adminKey.publicKey.pemRepresentation])
        )
        var logger = Logger(label: "hermetic.bench")
        logger.logLevel = .warning
        let server = try await BrokerServer(broker: broker, host: "127.0.0.1", port: 0, logger: logger).start()
        let client = KBSClient(transport: URLSessionTransport(baseURL: server.url))
        let admin = try await AdminToken.make(privateKeyPEM: adminKey.pemRepresentation)
        try await client.setResource(secretPath, value: secret, adminToken: admin)
        try await client.setReferenceValues([
            "launch_digest": .array([.string("abcde")]), "svn": .array([.string("1")]), "major_version": .int(1), "minimum_minor_version": .int(0),
        ].merging(chip.trusteeReferenceValues) { $1 }, adminToken: admin)
        try await client.setResourcePolicy(rego: DefaultPolicies.affirming, adminToken: admin)
        return Loopback(server: server, client: client, nioClient: KBSClient(transport: NIOTransport(baseURL: server.url.absoluteString)),
                        inProcess: KBSClient(transport: InProcessTransport(broker: broker)), chip: chip, offCoreChip: chip.precomputingSignatures(),
                        key: PrivateJWK.generateEC(.p256))
    }

    /// How a flow reaches the broker.
    enum Path: Sendable { case urlSession, nio, inProcess }

    /// One complete guest flow; throws unless the released secret decrypts to the stored one.
    func flow(_ source: any EvidenceSource, via path: Path = .urlSession) async throws {
        let client = switch path {
        case .urlSession: client
        case .nio: nioClient
        case .inProcess: inProcess
        }
        let attested = try await client.attest(evidence: source, key: key)
        let plaintext = try await client.resource(Self.secretPath, attested: attested, key: key)
        guard plaintext == Self.secret else { throw KBSClientError(status: 0, type: "", detail: "released secret differs") }
    }

    /// One flow, as ``flow(_:via:)``; returns its latency in microseconds.
    func timedFlow(_ source: any EvidenceSource, via path: Path) async throws -> Int {
        let started = ContinuousClock.now
        try await flow(source, via: path)
        return Self.microseconds(ContinuousClock.now - started)
    }

    /// `count` flows at once; all must succeed.
    /// - Returns: each flow's latency, in microseconds.
    @discardableResult
    func concurrentFlows(_ count: Int, _ source: any EvidenceSource, via path: Path = .urlSession) async throws -> [Int] {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<count { group.addTask { try await timedFlow(source, via: path) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// `total` flows with `inFlight` of them running at any moment (a new one starts as soon as one ends, as a load
    /// generator with a fixed number of connections does), each flow's latency recorded as ``flowLatency`` and the
    /// rate of the whole as ``flowRate``. Unlike a batch, whose slowest flow leaves the cores idle, this keeps the load
    /// constant until the last `inFlight` flows.
    func sustainedFlows(_ total: Int, inFlight: Int, _ source: any EvidenceSource, via path: Path, _ benchmark: Benchmark) async throws {
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<min(inFlight, total) { group.addTask { try await timedFlow(source, via: path) } }
            var latencies: [Int] = []
            latencies.reserveCapacity(total)
            while let latency = try await group.next() {
                latencies.append(latency)
                if latencies.count + inFlight <= total { group.addTask { try await timedFlow(source, via: path) } }
            }
            return latencies
        }
        benchmark.measurement(flowRate, Int(Double(total) * 1_000_000 / Double(max(1, Self.microseconds(ContinuousClock.now - started)))))
        for latency in latencies { benchmark.measurement(flowLatency, latency) }
    }

    private static func microseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
    }

    /// `count` flows at once, each flow's latency recorded as ``flowLatency``.
    func measuredConcurrentFlows(_ count: Int, _ source: any EvidenceSource, via path: Path, _ benchmark: Benchmark) async throws {
        for latency in try await concurrentFlows(count, source, via: path) { benchmark.measurement(flowLatency, latency) }
    }
}

/// One flow's latency under load, from its auth request to its decrypted secret.
private let flowLatency = BenchmarkMetric.custom("Flow latency under load (us)")

/// Complete flows per second over one sustained run (``Loopback/sustainedFlows(_:inFlight:_:via:_:)``).
private let flowRate = BenchmarkMetric.custom("Flows per second, sustained (#)", polarity: .prefersLarger, useScalingFactor: false)

/// A load generator with one connection per flow in flight (async-http-client's default pool opens 8 per host, which
/// would queue half of 16 flows in the client).
private let loadClient = HTTPClient(
    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
    configuration: HTTPClient.Configuration(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16))
)

/// HTTP through async-http-client.
private struct NIOTransport: KBSTransport {
    let baseURL: String

    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if !body.isEmpty { request.body = .bytes(body) }
        let response = try await loadClient.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 1 << 20)
        var responseHeaders: [String: String] = [:]
        for field in response.headers { responseHeaders[field.name.lowercased()] = field.value }
        return KBSHTTPResponse(status: Int(response.status.code), headers: responseHeaders, body: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
}

/// Hands requests to the broker as the HTTP server would, minus HTTP.
private struct InProcessTransport: KBSTransport {
    let broker: KeyBroker

    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        let full = path.hasPrefix("/kbs/v0/") ? String(path.dropFirst("/kbs/v0/".count)) : path
        let parts = full.split(separator: "?", maxSplits: 1).map(String.init)
        let request = BrokerRequest(method: method, path: parts.first ?? "", query: parts.count > 1 ? parts[1] : "",
                                    headers: Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }),
                                    body: body, client: "bench")
        let response = await broker.handle(request)
        return KBSHTTPResponse(status: response.status, headers: Dictionary(response.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a }), body: response.body)
    }
}

/// Started lazily by the first benchmark that needs it, once for the whole process.
private actor Shared {
    static let instance = Shared()
    private var loopback: Loopback?
    func get() async throws -> Loopback {
        if let loopback { return loopback }
        let started = try await Loopback.start()
        loopback = started
        return started
    }
}

private let concurrency = 16

let benchmarks: @Sendable () -> Void = {
    // `hermetic serve`'s default executor (dispatch), or `HERMETIC_EXECUTOR=nio` for NIO's event loops.
    let executor = ProcessInfo.processInfo.environment["HERMETIC_EXECUTOR"].flatMap(ServerExecutor.init(rawValue:)) ?? .dispatch
    if !executor.install() { print("warning: the \(executor) executor could not be installed; Swift's default pool runs the tasks") }
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 100_000)

    Benchmark("Flow sample TEE (auth, attest, resource, decrypt over HTTP)") { benchmark in
        let loopback = try await Shared.instance.get()
        let source = SampleEvidenceSource()
        try await loopback.flow(source)  // warm the connection pool before measuring
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try await loopback.flow(source) }
    }

    Benchmark("Flow fake SNP (fresh report per nonce, over HTTP)") { benchmark in
        let loopback = try await Shared.instance.get()
        let source = FakeSNPEvidenceSource(chip: loopback.chip)
        try await loopback.flow(source)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try await loopback.flow(source) }
    }

    Benchmark("In-process sample TEE (same flow, KeyBroker.handle, no HTTP)") { benchmark in
        let loopback = try await Shared.instance.get()
        let source = SampleEvidenceSource()
        try await loopback.flow(source, via: .inProcess)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try await loopback.flow(source, via: .inProcess) }
    }

    Benchmark("In-process fake SNP (same flow, KeyBroker.handle, no HTTP)") { benchmark in
        let loopback = try await Shared.instance.get()
        let source = FakeSNPEvidenceSource(chip: loopback.chip)
        try await loopback.flow(source, via: .inProcess)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try await loopback.flow(source, via: .inProcess) }
    }

    // Throughput under load: each iteration is `concurrency` flows in flight at once; flows/s = throughput × 16.
    Benchmark("Concurrent x16 sample TEE (throughput x16 = flows/s)") { benchmark in
        let loopback = try await Shared.instance.get()
        let source = SampleEvidenceSource()
        try await loopback.concurrentFlows(concurrency, source)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try await loopback.concurrentFlows(concurrency, source) }
    }

    Benchmark("Concurrent x16 fake SNP (throughput x16 = flows/s)") { benchmark in
        let loopback = try await Shared.instance.get()
        let source = FakeSNPEvidenceSource(chip: loopback.chip)
        try await loopback.concurrentFlows(concurrency, source)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try await loopback.concurrentFlows(concurrency, source) }
    }

    concurrentVariants()
    storeOnly()
    releaseCrypto()
}

/// The release's own cryptography: one JWE to the guest's P-256 key, whose ephemeral ECDH key is drawn as a raw
/// scalar, beside swift-crypto's `PrivateKey()`, which adds BoringSSL's pairwise self-check to every key.
let releaseCrypto: @Sendable () -> Void = {
    let guest = PrivateJWK.generateEC(.p256)
    Benchmark("JWE encrypt to a P-256 key (ECDH-ES+A256KW, A256GCM)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try JWE.encrypt(Loopback.secret, to: guest.publicJWK)) }
    }
    Benchmark("P-256 key generation, swift-crypto PrivateKey() (reference)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(P256.KeyAgreement.PrivateKey()) }
    }
}

/// The store's share of a flow alone: its four writes (session, nonce, verdict, release) and one read, 16 flows at a
/// time, on SQLite in WAL mode with durable commits (`synchronous = FULL`, one log sync per transaction).
let storeOnly: @Sendable () -> Void = {
    Benchmark("Store only x16 (SQLite: the writes and read of 16 flows, throughput x16 = flows/s)") { benchmark in
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-bench-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("kbs.sqlite").path, kek: .generate())
        try await store.putResource(path: Loopback.secretPath, value: Loopback.secret)
        @Sendable func flow() async throws {
            let now = Date()
            let session = SessionRecord(id: UUID().uuidString, version: "0.4.0", tee: "sample", nonce: "n", createdAt: now, expiresAt: now.addingTimeInterval(300))
            _ = try await store.insertSession(session, liveLimit: 1_000_000, now: now)
            _ = try await store.beginAttestation(sessionID: session.id, now: now)
            _ = try await store.completeAttestation(sessionID: session.id, token: "t", audit: AuditEvent(kind: .attestation, time: now, verdict: "affirming"))
            _ = try await store.sessionSnapshot(id: session.id)
            _ = try await store.releaseResource(path: Loopback.secretPath, audit: AuditEvent(kind: .release, time: now, verdict: "released"))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency { group.addTask { try await flow() } }
                try await group.waitForAll()
            }
        }
    }
}

/// More VCEK nonces than any SNP benchmark uses in its 5 s window (a run that empties the pool falls back to ordinary
/// signing, which would show as a drop in the later samples).
private let preparedNonces = 8_000

/// Throughput, batch time and each flow's latency (read-only once built; the package does not mark it Sendable).
nonisolated(unsafe) private let underLoad = Benchmark.Configuration(metrics: [.throughput, .wallClock, flowLatency], maxDuration: .seconds(5), maxIterations: 100_000)

/// The same concurrent loads with a lighter load generator (async-http-client), and without HTTP at all.
let concurrentVariants: @Sendable () -> Void = {
    for (label, path) in [("NIO client", Loopback.Path.nio), ("in-process", .inProcess)] {
        Benchmark("Concurrent x16 fake SNP, chip signing off-core, \(label) (throughput x16 = flows/s)", configuration: underLoad) { benchmark in
            let loopback = try await Shared.instance.get()
            let source = FakeSNPEvidenceSource(chip: loopback.offCoreChip)
            loopback.offCoreChip.vcekNonces?.fill(upTo: preparedNonces)
            try await loopback.concurrentFlows(concurrency, source, via: path)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { try await loopback.measuredConcurrentFlows(concurrency, source, via: path, benchmark) }
            benchmark.stopMeasurement()
            if loopback.offCoreChip.vcekNonces?.count == 0 { print("warning: the prepared VCEK nonces ran out during the run") }
        }
    }

    // The goals' figures: a constant 16 flows in flight, 128 flows per sample.
    let sustained = Benchmark.Configuration(metrics: [flowRate, flowLatency], maxDuration: .seconds(6), maxIterations: 100_000)
    for (label, path) in [("NIO client", Loopback.Path.nio), ("in-process", .inProcess)] {
        Benchmark("Sustained 16 in flight, sample TEE, \(label) (flows/s)", configuration: sustained) { benchmark in
            let loopback = try await Shared.instance.get()
            let source = SampleEvidenceSource()
            try await loopback.concurrentFlows(concurrency, source, via: path)
            for _ in benchmark.scaledIterations { try await loopback.sustainedFlows(128, inFlight: concurrency, source, via: path, benchmark) }
        }
        Benchmark("Sustained 16 in flight, fake SNP, chip signing off-core, \(label) (flows/s)", configuration: sustained) { benchmark in
            let loopback = try await Shared.instance.get()
            let source = FakeSNPEvidenceSource(chip: loopback.offCoreChip)
            loopback.offCoreChip.vcekNonces?.fill(upTo: preparedNonces)
            try await loopback.concurrentFlows(concurrency, source, via: path)
            for _ in benchmark.scaledIterations { try await loopback.sustainedFlows(128, inFlight: concurrency, source, via: path, benchmark) }
            if loopback.offCoreChip.vcekNonces?.count == 0 { print("warning: the prepared VCEK nonces ran out during the run") }
        }
    }

    for (label, path) in [("NIO client", Loopback.Path.nio), ("in-process", .inProcess)] {
        Benchmark("Concurrent x16 sample TEE, \(label) (throughput x16 = flows/s)", configuration: underLoad) { benchmark in
            let loopback = try await Shared.instance.get()
            let source = SampleEvidenceSource()
            try await loopback.concurrentFlows(concurrency, source, via: path)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { try await loopback.measuredConcurrentFlows(concurrency, source, via: path, benchmark) }
        }

        Benchmark("Concurrent x16 fake SNP, \(label) (throughput x16 = flows/s)", configuration: underLoad) { benchmark in
            let loopback = try await Shared.instance.get()
            let source = FakeSNPEvidenceSource(chip: loopback.chip)
            try await loopback.concurrentFlows(concurrency, source, via: path)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { try await loopback.measuredConcurrentFlows(concurrency, source, via: path, benchmark) }
        }
    }
}
