import Crypto
import Foundation
import Testing
import TestSupport

/// `hermetic gate serve|order|poll`: a person (here, the test) plays the host against a running gate.
@Suite("hermetic gate", .serialized)
struct GateCommandTests {
    func temporary(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-gate-\(UUID().uuidString.prefix(8))-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Kata's genpolicy rules with the settings-only policy data: a real genpolicy-shaped policy.
    func kataPolicy() throws -> String {
        let rules = try String(contentsOf: Fixtures.url("rego/policies/kata/src/tools/genpolicy/rules.rego"), encoding: .utf8)
        let data = try String(contentsOf: Fixtures.url("rego/policies/kata/derived/policy_data_settings_only.json"), encoding: .utf8)
        return rules + "\npolicy_data := " + data
    }

    /// Starts `hermetic gate serve` and waits for its banner.
    func serve(_ arguments: [String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = Fixtures.productsDirectory.appendingPathComponent("hermetic")
        process.arguments = ["gate", "serve"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var banner = ""
        while !banner.contains("gate listening") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        return (process, banner)
    }

    @Test("orders and polls over the socket with exit codes 0, 1 and 2; init-data digest is the hash of the TOML bytes")
    func ordersAndPolls() throws {
        let policy = try kataPolicy()
        let initData = "version = \"0.1.0\"\nalgorithm = \"sha384\"\n\n[data]\n\"policy.rego\" = '''\n" + policy + "'''\n"
        let initDataPath = try temporary("initdata.toml", initData)
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("hg-\(UUID().uuidString.prefix(8)).sock").path
        let (server, banner) = try serve(["--listen", "unix:" + socket, "--init-data", initDataPath])
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let digest = SHA384.hash(data: Data(initData.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(banner.contains("init-data sha384 \(digest)"), "\(banner)")

        let sandbox = try temporary("sandbox.json", #"{"hostname":"","dns":[],"storages":[],"sandbox_pidns":false,"sandbox_id":"","guest_hook_path":"","kernel_modules":[]}"#)
        let ok = try CLIRun.hermetic(["gate", "order", "--connect", "unix:" + socket, "--verb", "CreateSandbox", "--noun", sandbox, "--uid", "1"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == "ok 1\n")
        let again = try CLIRun.hermetic(["gate", "order", "--connect", "unix:" + socket, "--verb", "CreateSandbox", "--noun", sandbox, "--uid", "2"])
        #expect(again.status == 1)
        #expect(again.stdout == "refused-by-state 2\n")
        let copy = try temporary("copy.json", #"{"path":"/etc/passwd","file_type":"Regular","file_size":0,"file_mode":0,"dir_mode":0,"uid":0,"gid":0,"offset":0}"#)
        let denied = try CLIRun.hermetic(["gate", "order", "--connect", "unix:" + socket, "--verb", "CopyFileRequest", "--noun", copy, "--uid", "3"])
        #expect(denied.stdout == "refused-by-policy 3\n")
        #expect(denied.status == 1)
        let replay = try CLIRun.hermetic(["gate", "order", "--connect", "unix:" + socket, "--verb", "CopyFile", "--noun", sandbox, "--uid", "1"])
        #expect(replay.stdout == "malformed-noun 1\n")
        let conflict = try CLIRun.hermetic(["gate", "order", "--connect", "unix:" + socket, "--verb", "DestroySandbox", "--noun", sandbox, "--uid", "1"])
        #expect(conflict.stdout == "uid-conflict 1\n")
        let poll = try CLIRun.hermetic(["gate", "poll", "--connect", "unix:" + socket, "--uid", "1"])
        #expect(poll.stdout == "ok 1\n")
        #expect(poll.status == 0)
        let unknown = try CLIRun.hermetic(["gate", "poll", "--connect", "unix:" + socket, "--uid", "99"])
        #expect(unknown.stdout == "unknown-uid 99\n")
        #expect(unknown.status == 1)
        let badVerb = try CLIRun.hermetic(["gate", "order", "--connect", "unix:" + socket, "--verb", "Reboot", "--noun", sandbox, "--uid", "5"])
        #expect(badVerb.status == 2)
        #expect(badVerb.stderr.contains("unknown verb Reboot"))
    }

    @Test("bad input exits 2 naming the problem")
    func badInput() throws {
        let noGate = try CLIRun.hermetic(["gate", "poll", "--connect", "unix:/nonexistent/gate.sock", "--uid", "1"])
        #expect(noGate.status == 2)
        #expect(noGate.stderr.contains("connect /nonexistent/gate.sock"), "\(noGate.stderr)")
        let badPolicy = try temporary("bad.rego", "package agent_policy\n\nallow if {\n")
        let parse = try CLIRun.hermetic(["gate", "serve", "--listen", "unix:/nonexistent/never.sock", "--policy", badPolicy])
        #expect(parse.status == 2)
        #expect(parse.stderr.contains("bad.rego"), "\(parse.stderr)")
        let badInitData = try temporary("initdata.toml", "version = \"0.2.0\"\nalgorithm = \"sha256\"\n")
        let initData = try CLIRun.hermetic(["gate", "serve", "--listen", "unix:/nonexistent/never.sock", "--init-data", badInitData])
        #expect(initData.status == 2)
        #expect(initData.stderr.contains("version must be \"0.1.0\""), "\(initData.stderr)")
        let mismatch = try temporary("other.rego", "package agent_policy\n")
        let goodInitData = try temporary("good.toml", "version = \"0.1.0\"\nalgorithm = \"sha256\"\n\n[data]\n\"policy.rego\" = '''\npackage agent_policy\ndefault x := 1\n'''\n")
        let differs = try CLIRun.hermetic(["gate", "serve", "--listen", "unix:/nonexistent/never.sock", "--policy", mismatch, "--init-data", goodInitData])
        #expect(differs.status == 2)
        #expect(differs.stderr.contains("differs from the policy.rego in the init-data"), "\(differs.stderr)")
    }

    @Test("policy writes policy.rego and initdata.toml; serve accepts them and prints the same digest")
    func generatesPolicy() throws {
        let yaml = try temporary("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: hello}
            spec:
              containers:
              - name: hello
                image: docker.io/library/busybox@sha256:\(String(repeating: "ab", count: 32))
                command: ["sleep", "3600"]
            """)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-gate-out-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let run = try CLIRun.hermetic(["gate", "policy", yaml, "--output", directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        let toml = try Data(contentsOf: directory.appendingPathComponent("initdata.toml"))
        let digest = SHA256.hash(data: toml).map { String(format: "%02x", $0) }.joined()
        #expect(run.stdout == "init-data sha256 \(digest)\n")
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("hg-\(UUID().uuidString.prefix(8)).sock").path
        let (server, banner) = try serve(["--listen", "unix:" + socket, "--policy", directory.appendingPathComponent("policy.rego").path,
                                          "--init-data", directory.appendingPathComponent("initdata.toml").path])
        server.terminate()
        server.waitUntilExit()
        #expect(banner.contains("init-data sha256 \(digest)"), "\(banner)")
        let tagged = try temporary("tagged.yaml", "kind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - {name: x, image: busybox, command: [sh]}\n")
        let refused = try CLIRun.hermetic(["gate", "policy", tagged, "--output", directory.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("image busybox is not pinned by digest"), "\(refused.stderr)")
    }
}
