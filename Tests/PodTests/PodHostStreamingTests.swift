import Foundation
import Gate
import PolicyGenerator
import Pod
import Synchronization
import Testing

/// The host reads a running container's output through the gate while it runs, not only after it exits; and a
/// container that never exits is removed at the timeout. No VM: the gate runs in process on a unix socket, deciding
/// the host's orders against the policy generated for the pod, with an executor that writes output over time.
@Suite("Pod host: live output and the exit timeout")
struct PodHostStreamingTests {
    /// A container that writes a line, then another after `gap`, then exits after `runFor` (never when nil).
    final class TickingExecutor: Executor {
        let gap: Double
        let runFor: Double?
        let written = Mutex<[UInt8]>([])
        let readUpTo = Mutex(0)
        let exitedAt = Mutex<Date?>(nil)
        let verbs = Mutex<[Verb]>([])

        init(gap: Double, runFor: Double?) {
            self.gap = gap
            self.runFor = runFor
        }

        func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {
            verbs.withLock { $0.append(order.verb) }
            guard order.verb == .startContainer, let id = order.containerID else { return }
            written.withLock { $0 += Array("tick 1\n".utf8) }
            Thread.detachNewThread { [self] in
                Thread.sleep(forTimeInterval: gap)
                written.withLock { $0 += Array("tick 2\n".utf8) }
                guard let runFor else { return }
                Thread.sleep(forTimeInterval: max(0, runFor - gap))
                exitedAt.withLock { $0 = Date() }
                events(.containerExited(containerID: id, success: true))
            }
        }

        func read(_ order: Order) throws(ExecutionError) -> [UInt8] {
            let all = written.withLock { $0 }
            return readUpTo.withLock { offset in
                defer { offset = all.count }
                return Array(all[min(offset, all.count)...])
            }
        }

        func shutdown() {}
    }

    static func play(_ executor: TickingExecutor, exitTimeout: Double) throws -> (runs: [PodHost.ContainerRun], chunks: [(Date, String)], host: PodHost) {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: ticker}
            spec:
              containers:
              - name: app
                image: registry.local/app@sha256:\(String(repeating: "cd", count: 32))
                command: ["/bin/sh", "-c", "echo tick 1; sleep 1; echo tick 2"]
            """
        let generated = try PolicyGenerator.generate(yaml: yaml)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pod-host-\(UUID().uuidString.prefix(8)).sock").path
        guard let endpoint = GateEndpoint("unix:" + path) else { throw PodError(.badInput, "endpoint") }
        let server = GateServer(gate: Gate(policy: try AgentPolicy(source: generated.policy), executor: executor), endpoint: endpoint)
        try server.start()
        defer { server.stop() }
        let host = PodHost(client: try GateClient(endpoint: endpoint))
        var chunks: [(Date, String)] = []
        let runs = try host.run(try PodWorkload(policyData: generated.policyData), exitTimeout: exitTimeout) { _, bytes in
            chunks.append((Date(), String(decoding: bytes, as: UTF8.self)))
        }
        return (runs, chunks, host)
    }

    @Test("each line reaches the host while the container still runs, and the whole output is kept")
    func outputArrivesWhileRunning() throws {
        let executor = TickingExecutor(gap: 0.8, runFor: 2.0)
        let (runs, chunks, _) = try Self.play(executor, exitTimeout: 30)
        #expect(runs.map(\.status) == [.exitedSuccess])
        #expect(String(decoding: runs.first?.output ?? [], as: UTF8.self) == "tick 1\ntick 2\n")
        let exited = try #require(executor.exitedAt.withLock { $0 })
        #expect(chunks.map(\.1) == ["tick 1\n", "tick 2\n"], "\(chunks)")
        #expect(chunks.allSatisfy { $0.0 < exited }, "both lines were read before the container exited: \(chunks.map(\.0)) vs \(exited)")
    }

    @Test("a container still running at the timeout is removed, and the sandbox destroyed")
    func runningContainerIsRemovedAtTheTimeout() throws {
        let executor = TickingExecutor(gap: 0.2, runFor: nil)
        let (runs, chunks, host) = try Self.play(executor, exitTimeout: 1.5)
        #expect(runs.map(\.status) == [.running], "still running when the host stopped waiting")
        #expect(chunks.map(\.1).joined() == "tick 1\ntick 2\n")
        #expect(executor.verbs.withLock { $0 }.suffix(2) == [.removeContainer, .destroySandbox])
        #expect(host.exchanges.last?.verb == .destroySandbox)
    }
}
