import Foundation
import InitData
import Testing
@testable import Gate
@testable import PolicyGenerator

/// Kubernetes YAML to a policy the gate enforces: order, presence, image digests, commands, env (with ConfigMap and
/// Secret values), mounts, user, exec by annotation, ConfigMap contents by digest.
@Suite struct PolicyGeneratorTests {
    static let yaml = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: app-config}
        data:
          app.conf: "mode=prod\\n"
          level: info
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        data:
          password: czNjcjN0
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          template:
            metadata:
              annotations:
                io.hermetic/exec.app: '[["cat", "/etc/app/app.conf"]]'
                io.hermetic/copy-files: "true"
            spec:
              securityContext: {runAsUser: 1000}
              volumes:
              - name: app-config
                configMap: {name: app-config}
              initContainers:
              - name: setup
                image: \(SamplePod.busybox)
                command: ["sh", "-c"]
                args: ["echo ready"]
                env: [{name: PATH, value: /bin}]
                securityContext: {runAsUser: 0, allowPrivilegeEscalation: false}
              containers:
              - name: app
                image: \(SamplePod.busybox)
                command: ["httpd", "-f"]
                env:
                - {name: PATH, value: /bin}
                - name: LEVEL
                  valueFrom: {configMapKeyRef: {name: app-config, key: level}}
                - name: DB_PASSWORD
                  valueFrom: {secretKeyRef: {name: db, key: password}}
                volumeMounts:
                - {name: app-config, mountPath: /etc/app}
                securityContext: {allowPrivilegeEscalation: false}
        """

    @Test func theGeneratedPolicyAdmitsThePodAndNothingElse() throws {
        let output = try PolicyGenerator.generate(yaml: Self.yaml)
        #expect(!output.policy.contains("s3cr3t"), "a Secret's value must not appear in the policy")
        #expect(output.policy.contains("\"name\" : \"DB_PASSWORD\"") || output.policy.contains("\"name\":\"DB_PASSWORD\""))
        let gate = Gate(policy: try AgentPolicy(source: output.policy), executor: RecordingExecutor(exitOnStart: ["c1": true]))
        var host = Host(gate: gate)
        #expect(host.send(.createSandbox, SamplePod.sandbox).0 == .ok)
        #expect(host.send(.createContainer, SamplePod.container("c1", name: "setup", args: ["sh", "-c", "echo ready"],
                                                                env: ["PATH=/bin"], mounts: [], uid: 0)).0 == .ok)
        #expect(host.send(.startContainer, SamplePod.start("c1")).0 == .ok)
        let mounts: [[String: Any]] = [["destination": "/etc/app", "type": "bind", "options": ["rbind", "ro"],
                                        "source": "/run/kata-containers/shared/containers/abc-0123456789abcdef-app-config"]]
        let env = ["PATH=/bin", "LEVEL=info", "DB_PASSWORD=s3cr3t", "WEB_SERVICE_HOST=10.0.0.9"]
        // Changed secret value, changed command, missing mount: refused.
        #expect(host.send(.createContainer, SamplePod.container("c2", name: "app", args: ["httpd", "-f"],
                                                                env: ["PATH=/bin", "LEVEL=info", "DB_PASSWORD=guess"],
                                                                mounts: mounts, uid: 1000)).0 == .refusedByPolicy)
        #expect(host.send(.createContainer, SamplePod.container("c2", name: "app", args: ["httpd", "-f", "-v"],
                                                                env: env, mounts: mounts, uid: 1000)).0 == .refusedByPolicy)
        #expect(host.send(.createContainer, SamplePod.container("c2", name: "app", args: ["httpd", "-f"],
                                                                env: env, mounts: [], uid: 1000)).0 == .refusedByPolicy)
        #expect(host.send(.createContainer, SamplePod.container("c2", name: "app", args: ["httpd", "-f"],
                                                                env: env, mounts: mounts, uid: 1000)).0 == .ok)
        #expect(host.send(.startContainer, SamplePod.start("c2")).0 == .ok)
        #expect(host.send(.podReady, Array("{}".utf8)).0 == .ok)
        #expect(host.send(.execProcess, SamplePod.exec("c2", "e1", ["cat", "/etc/app/app.conf"])).0 == .ok)
        #expect(host.send(.execProcess, SamplePod.exec("c2", "e2", ["sh"])).0 == .refusedByPolicy)
        #expect(host.send(.execProcess, SamplePod.exec("c1", "e3", ["cat", "/etc/app/app.conf"])).0 == .refusedByState)
        // ConfigMap content is bound by digest.
        let path = "/run/kata-containers/shared/containers/abc-0123456789abcdef-app-config/app.conf"
        #expect(host.send(.copyFile, SamplePod.json(["path": path, "file_type": "Regular",
                                                     "data": Data("mode=prod\n".utf8).base64EncodedString()])).0 == .ok)
        #expect(host.send(.copyFile, SamplePod.json(["path": path, "file_type": "Regular",
                                                     "data": Data("mode=debug\n".utf8).base64EncodedString()])).0 == .refusedByPolicy)
        // The init-data binds the policy.
        let initData = try InitData(policy: output.policy)
        #expect(try AgentPolicy(source: InitData(toml: initData.text).policy ?? "").policyData != nil)
    }

    @Test func unpinnableInputIsRefusedNamingTheField() throws {
        func error(_ yaml: String) -> String {
            do {
                _ = try PolicyGenerator.generate(yaml: yaml)
                return "no error"
            } catch { return error.description }
        }
        var tagged = Self.yaml
        if let last = tagged.range(of: SamplePod.busybox, options: .backwards) { tagged.replaceSubrange(last, with: "busybox:latest") }
        #expect(error(tagged) == "container app: image busybox:latest is not pinned by digest (name@sha256:…; or give --registry)")
        // A pin given for the tag (as a registry resolves it) is used in its place.
        let pinned = try PolicyGenerator.generate(yaml: tagged, pins: ["busybox:latest": "busybox:latest@sha256:" + String(repeating: "ab", count: 32)])
        #expect(pinned.policyData.contains("busybox:latest@sha256:" + String(repeating: "ab", count: 32)))
        #expect(error(Self.yaml.replacingOccurrences(of: "command: [\"httpd\", \"-f\"]", with: "args: [\"-f\"]"))
            == "container app: no command (the image's entrypoint is not read, so it cannot be pinned)")
        #expect(error(Self.yaml.replacingOccurrences(of: "key: password", with: "key: nothing"))
            == "container app: env DB_PASSWORD: only literal values and ConfigMap/Secret keys in the YAML are supported")
        #expect(error("kind: Service\nmetadata: {name: x}\n") == "no Pod, Deployment or Job in the YAML")
        #expect(error("a: [") .hasPrefix("not YAML"))
    }
}
