import Foundation
import Testing
import TestSupport

/// `hermetic pod run`'s input checks, before anything boots (the boots themselves are `PodTests`' end-to-end tests;
/// the command was run by hand here with the same outcomes: key released, exit 0; `--tamper` exit 1; a pod from an
/// encrypted image in a loopback registry with `--kek`, the container's output printed, exit 0).
@Suite("hermetic pod run: bad input")
struct PodRunCommandTests {
    @Test("a missing agent or secret exits 2 with a message naming the option, and boots nothing")
    func badInput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-pod-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = directory.appendingPathComponent("secret")
        try Data("s".utf8).write(to: secret)
        let noAgent = try CLIRun.hermetic(["pod", "run", "--cache", directory.path, "--agent", directory.appendingPathComponent("none").path, "--secret", secret.path])
        #expect(noAgent.status == 2)
        #expect(noAgent.stderr.contains("--agent"))
        let noSecret = try CLIRun.hermetic(["pod", "run", "--cache", directory.path, "--agent", secret.path, "--secret", directory.appendingPathComponent("none").path])
        #expect(noSecret.status == 2)
        #expect(noSecret.stderr.contains("--secret"))
        let noAgentOption = try CLIRun.hermetic(["pod", "run", "--cache", directory.path, "--secret", secret.path])
        #expect(noAgentOption.status == 2)
        let badGolden = try CLIRun.hermetic(["pod", "run", "--cache", directory.path, "--agent", secret.path, "--secret", secret.path, "--golden", secret.path])
        #expect(badGolden.status == 2)
        #expect(badGolden.stderr.contains("hermetic_golden"))

        // A pod: neither a pod nor a secret, a pod without a loopback registry, a malformed --kek, a pod whose image
        // is not pinned and no registry to pin it: each exits 2 naming the problem.
        let nothing = try CLIRun.hermetic(["pod", "run", "--cache", directory.path, "--agent", secret.path])
        #expect(nothing.status == 2 && nothing.stderr.contains("POD.yaml"), "\(nothing.stderr)")
        let pod = directory.appendingPathComponent("pod.yaml")
        try Data("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - {name: app, image: "127.0.0.1:5000/app:v1", command: ["/bin/true"]}
            """.utf8).write(to: pod)
        let noRegistry = try CLIRun.hermetic(["pod", "run", pod.path, "--cache", directory.path, "--agent", secret.path])
        #expect(noRegistry.status == 2 && noRegistry.stderr.contains("--registry 127.0.0.1:PORT"), "\(noRegistry.stderr)")
        let remote = try CLIRun.hermetic(["pod", "run", pod.path, "--cache", directory.path, "--agent", secret.path, "--registry", "registry.example:5000"])
        #expect(remote.status == 2 && remote.stderr.contains("loopback"), "\(remote.stderr)")
        let badKEK = try CLIRun.hermetic(["pod", "run", pod.path, "--cache", directory.path, "--agent", secret.path, "--registry", "127.0.0.1:1",
                                          "--kek", "kbs:///default/k/1=\(secret.path)"])
        #expect(badKEK.status == 2 && badKEK.stderr.contains("32-byte"), "\(badKEK.stderr)")
        let unpinnable = try CLIRun.hermetic(["pod", "run", pod.path, "--cache", directory.path, "--agent", secret.path, "--registry", "127.0.0.1:1"])
        #expect(unpinnable.status != 0 && unpinnable.status != 1, "an image the registry cannot pin is not a refusal: \(unpinnable.stderr)")
        let badName = try CLIRun.hermetic(["pod", "run", pod.path, "--cache", directory.path, "--agent", secret.path, "--registry", "127.0.0.1:1", "--name", "My Pod"])
        #expect(badName.status == 2 && badName.stderr.contains("--name"), "\(badName.stderr)")
        let badResource = try CLIRun.hermetic(["pod", "run", pod.path, "--cache", directory.path, "--agent", secret.path, "--registry", "127.0.0.1:1",
                                               "--resource-file", "no-path=\(secret.path)"])
        #expect(badResource.status == 2 && badResource.stderr.contains("--resource-file"), "\(badResource.stderr)")
        let asURL = try CLIRun.hermetic(["pod", "run", pod.path, "--cache", directory.path, "--agent", secret.path, "--registry", "http://127.0.0.1:1/"])
        #expect(!asURL.stderr.contains("--registry 127.0.0.1:PORT"), "the URL form is accepted and reaches the pinning step: \(asURL.stderr)")
    }

    @Test("pod ca makes the vTPM CA once and reuses it: the same root on a second call, and the --tpm-ek-root arguments",
          .enabled(if: PodCommandTests.tool("swtpm_setup") && PodCommandTests.tool("swtpm_localca"), "skipped: needs swtpm_setup and swtpm_localca (apt-get install swtpm-tools)"))
    func podCA() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-pod-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try CLIRun.hermetic(["pod", "ca", "--dir", directory.path])
        #expect(first.status == 0, "\(first.stderr)")
        let root = directory.appendingPathComponent("swtpm-localca-rootca-cert.pem").path
        #expect(first.stdout.contains("--tpm-ek-root \(root) --tpm-ek-root \(directory.appendingPathComponent("issuercert.pem").path)"))
        let rootPEM = try String(contentsOfFile: root, encoding: .utf8)
        #expect(rootPEM.contains("BEGIN CERTIFICATE"))
        let second = try CLIRun.hermetic(["pod", "ca", "--dir", directory.path])
        #expect(second.status == 0)
        #expect(try String(contentsOfFile: root, encoding: .utf8) == rootPEM, "the CA is kept, not remade")
    }
}
