import Foundation
import Gate
import PolicyGenerator
import GuestAgent
import Pod
import Synchronization
import Testing

/// Variables from Secrets: the host sends their values (the policy holds only digests), the gate checks them, and
/// a sealed value is opened behind the gate. No VM: the gate runs in process on a unix socket with the policy
/// generated for the pod.
@Suite("Pod: environment from Secrets, plain and sealed")
struct PodSecretEnvironmentTests {
    /// Records the environment each CreateContainer reaches the runtime with; a started container exits at once.
    final class RecordingExecutor: Executor {
        let environments = Mutex<[[String]]>([])

        func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {
            if order.verb == .createContainer {
                let env = order.noun[.string("OCI")]?[.string("Process")]?[.string("Env")]
                guard case .array(let entries)? = env else { return }
                environments.withLock { $0.append(entries.compactMap(\.stringValue)) }
            }
            if order.verb == .startContainer, let id = order.containerID { events(.containerExited(containerID: id, success: true)) }
        }

        func shutdown() {}
    }

    static let sealed = "sealed.eyJiIjoxfQ.eyJ2ZXJzaW9uIjoiMC4xLjAifQ.c2ln"
    static let yaml = """
        apiVersion: v1
        kind: Secret
        metadata: {name: app-secrets}
        stringData:
          password: hunter2
          token: \(sealed)
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: vault-user}
        spec:
          containers:
          - name: app
            image: registry.local/app@sha256:\(String(repeating: "cd", count: 32))
            command: ["/bin/sh", "-c", "true"]
            env:
            - {name: MODE, value: plain}
            - name: PASSWORD
              valueFrom: {secretKeyRef: {name: app-secrets, key: password}}
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: app-secrets, key: token}}
        """

    /// Plays the host on a thread of its own: the host blocks on the gate's answers, and the gate's unsealing
    /// needs a thread of the concurrency pool, which a blocked test could otherwise be holding.
    static func play(_ workload: PodWorkload, policy: String,
                     unseal: @escaping SealedEnvironmentExecutor.Unseal) async throws -> (runs: [PodHost.ContainerRun], environments: [[String]]) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try Self.playBlocking(workload, policy: policy, unseal: unseal) }) }.start()
        }
    }

    static func playBlocking(_ workload: PodWorkload, policy: String, unseal: @escaping SealedEnvironmentExecutor.Unseal) throws -> (runs: [PodHost.ContainerRun], environments: [[String]]) {
        let recorder = RecordingExecutor()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pod-env-\(UUID().uuidString.prefix(8)).sock").path
        guard let endpoint = GateEndpoint("unix:" + path) else { throw PodError(.badInput, "endpoint") }
        let executor = SealedEnvironmentExecutor(inner: recorder, unseal: unseal)
        let server = GateServer(gate: Gate(policy: try AgentPolicy(source: policy), executor: executor), endpoint: endpoint)
        try server.start()
        defer { server.stop() }
        let runs = try PodHost(client: try GateClient(endpoint: endpoint)).run(workload, exitTimeout: 10)
        return (runs, recorder.environments.withLock { $0 })
    }

    @Test("the host sends the Secret's values; the gate checks their digests; the sealed one reaches the runtime opened")
    func plainAndSealed() async throws {
        let generated = try PolicyGenerator.generate(yaml: Self.yaml)
        #expect(generated.podName == "vault-user")
        #expect(generated.secretEnvironment == ["app": ["PASSWORD=hunter2", "TOKEN=\(Self.sealed)"]])
        #expect(!generated.policy.contains("hunter2") && !generated.policy.contains(Self.sealed), "only digests travel in the init-data")
        let asked = Mutex<[String]>([])
        let workload = try PodWorkload(policyData: generated.policyData, secretEnvironment: generated.secretEnvironment)
        let (runs, environments) = try await Self.play(workload, policy: generated.policy) { sealed in
            asked.withLock { $0.append(sealed) }
            return Array("opened-token".utf8)
        }
        #expect(runs.map(\.status) == [.exitedSuccess])
        #expect(asked.withLock { $0 } == [Self.sealed], "exactly the sealed value is opened")
        let env = try #require(environments.first)
        #expect(env.contains("MODE=plain") && env.contains("PASSWORD=hunter2") && env.contains("TOKEN=opened-token"))
        #expect(!env.contains { $0.contains("sealed.") })
    }

    @Test("a value the host changed is refused by the gate; a secret that cannot be opened runs nothing; no value missing")
    func refusals() async throws {
        let generated = try PolicyGenerator.generate(yaml: Self.yaml)
        var forged = generated.secretEnvironment
        forged["app"] = ["PASSWORD=hunter3", "TOKEN=\(Self.sealed)"]
        let lied = try await Self.play(try PodWorkload(policyData: generated.policyData, secretEnvironment: forged), policy: generated.policy) { _ in [] }
        #expect(lied.runs.map(\.status) == [.refusedByPolicy], "the digest binds the value")
        #expect(lied.environments.isEmpty)

        struct Refused: Error {}
        let failed = try await Self.play(try PodWorkload(policyData: generated.policyData, secretEnvironment: generated.secretEnvironment),
                                   policy: generated.policy) { _ in throw Refused() }
        #expect(failed.runs.map(\.status) == [.executionFailed])
        #expect(failed.environments.isEmpty, "nothing reaches the runtime")

        let error = try #require(throws: PodError.self) { try PodWorkload(policyData: generated.policyData) }
        #expect(error.description.contains("PASSWORD") || error.description.contains("TOKEN"))
    }
}
