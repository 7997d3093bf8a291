import GuestAgent
import GuestAttester
import HermeticCore
import InitData
import KBSClient
import KeyBroker
import Synchronization
import Testing

@Suite("PodBootstrap: the kernel command line's pod parameters and the report lines")
struct PodBootstrapTests {
    @Test("hermetic.kbs, hermetic.resource and hermetic.registry are read from the command line; no broker is a bad-input error naming it")
    func parameters() throws {
        let parameters = try PodBootstrap.Parameters(
            commandLine: "console=ttyS0 panic=-1 quiet hermetic.kbs=http://10.0.2.100:8080 hermetic.resource=pod/key/one hermetic.registry=10.0.2.100:5000\n")
        #expect(parameters.kbs == "http://10.0.2.100:8080")
        #expect(parameters.resource == "pod/key/one")
        #expect(parameters.registry == "10.0.2.100:5000")
        let noBroker = #expect(throws: GuestAttesterError.self) { try PodBootstrap.Parameters(commandLine: "quiet hermetic.resource=a/b/c") }
        #expect(noBroker?.code == .badInput && noBroker?.message.contains("hermetic.kbs") == true)
        let bare = try PodBootstrap.Parameters(commandLine: "hermetic.kbs=http://h:1 hermetic.resource=")
        #expect(bare.resource == nil && bare.registry == nil, "an empty or absent resource or registry means none")
    }

    @Test("a boot that fails (init-data mismatch) reports FAILED boot and DONE, never READY, and releases nothing")
    func failedBoot() async {
        var lines: [String] = []
        let outcome = await PodBootstrap.run(boot: { throw GuestAttesterError(.mismatch, "PCR 8 is not the init-data's\nbinding") },
                                             resource: "pod/key/one", serveGate: true, report: { lines.append($0) })
        guard case .done(let success) = outcome else { Issue.record("a failed boot never serves the gate"); return }
        #expect(!success)
        #expect(lines == ["FAILED boot mismatch: PCR 8 is not the init-data's binding", "DONE"], "one line per report: the newline became a space")
        #expect(!lines.contains("READY"))
    }

    @Test("an unreachable broker is tried again with RETRY lines until it answers; then ATTESTED, RESOURCE and GATE for a policy-carrying init-data")
    func retriesUntilTheBrokerAnswers() async throws {
        let (chip, harness, initData, configuration, table) = try await AgentSNPTests.fixture("bootstrap-retry")
        let transport = FlakyTransport(inner: InProcessTransport(broker: harness.broker), failures: 2)
        var lines: [String] = []
        let outcome = await PodBootstrap.run(boot: {
            try GuestAgent.boot(configuration, sevGuest: FakeSEVGuest(chip: chip, table: table, hostData: initData.snpHostData), transport: transport)
        }, resource: "default/key/pod", serveGate: true, retry: .init(attempts: 4, initialDelay: .milliseconds(10)), report: { lines.append($0) })
        guard case .gate = outcome else { Issue.record("expected the gate, got \(lines)"); return }
        #expect(lines.count == 6 && lines[0] == "READY", "\(lines)")
        #expect(lines[1].hasPrefix("RETRY attest 2 ") && lines[2].hasPrefix("RETRY attest 3 "), "\(lines)")
        #expect(lines[3] == "ATTESTED" && lines[4].hasPrefix("RESOURCE default/key/pod sha256:") && lines[5] == "GATE", "\(lines)")

        // A broker that never answers: the last attempt's error is reported, no gate.
        lines = []
        let down = FlakyTransport(inner: InProcessTransport(broker: harness.broker), failures: 100)
        let failed = await PodBootstrap.run(boot: {
            try GuestAgent.boot(configuration, sevGuest: FakeSEVGuest(chip: chip, table: table, hostData: initData.snpHostData), transport: down)
        }, resource: nil, serveGate: true, retry: .init(attempts: 3, initialDelay: .milliseconds(1)), report: { lines.append($0) })
        guard case .done(let success) = failed else { Issue.record("an unreachable broker never opens the gate"); return }
        #expect(!success)
        #expect(lines.filter { $0.hasPrefix("RETRY") }.count == 2, "\(lines)")
        #expect(lines.suffix(2).first?.hasPrefix("FAILED attest") == true && lines.last == "DONE", "\(lines)")
    }
}

/// A transport whose first `failures` exchanges fail as a refused connection does (no HTTP answer).
final class FlakyTransport: KBSTransport, Sendable {
    struct Refused: Error, CustomStringConvertible { var description: String { "connection refused" } }
    let inner: any KBSTransport
    let remaining: Mutex<Int>

    init(inner: any KBSTransport, failures: Int) {
        self.inner = inner
        remaining = Mutex(failures)
    }

    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        let fail = remaining.withLock { count in
            defer { count -= 1 }
            return count > 0
        }
        if fail { throw Refused() }
        return try await inner.send(method: method, path: path, headers: headers, body: body)
    }
}
