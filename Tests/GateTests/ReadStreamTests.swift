import Foundation
import Testing
@testable import Gate
@testable import PolicyGenerator

/// ReadStdout and ReadStderr: the one reply that carries bytes, and only when the policy's `read_stream` allows it.
@Suite struct ReadStreamTests {
    /// An executor whose every process has written `output`.
    struct OutputExecutor: Executor {
        let output: [UInt8]
        func execute(_ order: Order, events: @escaping @Sendable (ExecutorEvent) -> Void) throws(ExecutionError) {}
        func read(_ order: Order) throws(ExecutionError) -> [UInt8] { output }
        func shutdown() {}
    }

    static func gate(readStream: Bool?) throws -> Gate {
        let field = readStream.map { "\"read_stream\": \($0), " } ?? ""
        let data = SamplePod.policyData.replacingOccurrences(of: "\"pause_args\"", with: field + "\"pause_args\"")
        return Gate(policy: try AgentPolicy(source: HermeticRules.source + "\npolicy_data := " + data), executor: OutputExecutor(output: Array("ready\n".utf8)))
    }

    @Test("the output comes back in the reply's body when read_stream is true; refused with no body when false or absent")
    func outputOnlyWhenAllowed() throws {
        for readStream in [true, false, nil] {
            var host = Host(gate: try Self.gate(readStream: readStream))
            #expect(host.bootToApps().allSatisfy { $0 == .ok })
            let reply = host.gate.handle(.order(.readStdout, uid: 100, noun: SamplePod.json(["container_id": "c1", "exec_id": "c1", "len": 4096])))
            if readStream == true {
                #expect(reply.code == GateStatus.ok.rawValue)
                #expect(reply.body == Array("ready\n".utf8))
            } else {
                #expect(reply.code == GateStatus.refusedByPolicy.rawValue, "read_stream \(String(describing: readStream))")
                #expect(reply.body.isEmpty)
            }
            let other = host.gate.handle(.order(.statsContainer, uid: 101, noun: SamplePod.json(["container_id": "c1"])))
            #expect(other.body.isEmpty, "no other reply carries bytes")
        }
    }

    @Test("the generator allows reading output unless the pod's io.hermetic/logs annotation is \"false\"")
    func generatorSetsReadStream() throws {
        func generated(_ annotation: String) throws -> Bool? {
            let yaml = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  \(annotation)
                spec:
                  containers:
                  - name: app
                    image: registry.local/app@sha256:\(String(repeating: "ab", count: 32))
                    command: ["/bin/true"]
                """
            let data = try PolicyGenerator.generate(yaml: yaml).policyData
            return (try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])?["read_stream"] as? Bool
        }
        #expect(try generated("") == true)
        #expect(try generated("annotations: {io.hermetic/logs: \"false\"}") == false)
    }
}
