import Crypto
import Foundation
import HermeticCore
import JOSE
import KeyBroker
import Testing
import TestSupport

/// A `hermetic serve` child process, stopped by ``stop()`` (SIGTERM) or ``kill()`` (SIGKILL).
final class ServeProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var stderr = ""
    /// The URL it listens on.
    private(set) var url = URL(fileURLWithPath: "/")

    /// Starts `hermetic serve` with `arguments` on a free loopback port and waits until it listens.
    init(_ arguments: [String]) throws {
        process.executableURL = Fixtures.productsDirectory.appendingPathComponent("hermetic")
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            guard let self else { return }
            self.lock.withLock { self.stderr += text }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = lock.withLock { stderr }
            if let range = text.range(of: "listening on 127.0.0.1:"), let end = text[range.upperBound...].firstIndex(of: "\n"),
               let port = Int(text[range.upperBound..<end]) {
                url = URL(string: "http://127.0.0.1:\(port)") ?? url
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill()
        throw CLITestError("hermetic serve did not start: \(lock.withLock { stderr })")
    }

    /// Everything the server wrote to standard error.
    var log: String { lock.withLock { stderr } }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Sends `auth` to one server and everything else to another: a guest whose requests a load balancer spreads.
struct SplitTransport: KBSTransport {
    let auth: URLSessionTransport
    let rest: URLSessionTransport
    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        try await (path.hasSuffix("/auth") || path == "auth" ? auth : rest).send(method: method, path: path, headers: headers, body: body)
    }
}

/// The files `hermetic serve` needs: a KEK, an admin key pair, a shared EAR signing key.
struct ServeFiles {
    let directory: URL
    let adminPrivateKeyPEM: String
    var arguments: [String] {
        ["--kek-file", directory.appendingPathComponent("kek").path, "--admin-public-key", directory.appendingPathComponent("admin.pub").path,
         "--ear-signing-key", directory.appendingPathComponent("ear.pem").path, "--allow-sample"]
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let admin = Curve25519.Signing.PrivateKey()
        adminPrivateKeyPEM = admin.pemRepresentation
        try Data(Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) }).utf8).write(to: directory.appendingPathComponent("kek"))
        try Data(admin.publicKey.pemRepresentation.utf8).write(to: directory.appendingPathComponent("admin.pub"))
        try Data(P256.Signing.PrivateKey().pemRepresentation.utf8).write(to: directory.appendingPathComponent("ear.pem"))
    }
}

@Suite("hermetic serve: replicas on PostgreSQL", .enabled(if: TemporaryPostgres.isInstalled, "PostgreSQL not installed: no /usr/lib/postgresql/*/bin/initdb and pg_ctl"))
struct ScaleOutTests {
    @Test("two serve processes on one PostgreSQL: auth on A, attest on B, fetch from A; the audit chain verifies")
    func authOnOneAttestOnTheOther() async throws {
        try await withTemporaryPostgres { postgres in
            let store = postgres.url()
            let files = try ServeFiles()
            let a = try ServeProcess(["--store", store] + files.arguments)
            defer { a.stop() }
            let b = try ServeProcess(["--store", store] + files.arguments)
            defer { b.stop() }
            let admin = try await AdminToken.make(privateKeyPEM: files.adminPrivateKeyPEM)
            // Admin writes through B are visible to A.
            let adminClient = KBSClient(transport: URLSessionTransport(baseURL: b.url))
            try await adminClient.setResource("default/key/1", value: Array("replicated".utf8), adminToken: admin)
            try await adminClient.setResourcePolicy(rego: "package policy\nallow := true", adminToken: admin)
            for version in [ProtocolVersion.v0_4_0, .v0_1_1] {
                let key = version == .v0_1_1 ? try PrivateJWK.generateRSA(algorithm: .rsa1_5) : PrivateJWK.generateEC(.p256)
                let guest = KBSClient(transport: SplitTransport(auth: URLSessionTransport(baseURL: a.url), rest: URLSessionTransport(baseURL: b.url)), version: version)
                let attested = try await guest.attest(evidence: SampleEvidenceSource(), key: key)
                let fromA = KBSClient(transport: URLSessionTransport(baseURL: a.url), version: version)
                #expect(try await fromA.resource("default/key/1", attested: attested, key: key) == Array("replicated".utf8))
                if version == .v0_4_0 {
                    #expect(try await fromA.resource("default/key/1", attested: attested, key: key, bearer: true) == Array("replicated".utf8))
                }
                // The session's nonce was consumed on B: another attest for it on A is refused.
                let replay = SplitTransport(auth: URLSessionTransport(baseURL: a.url), rest: URLSessionTransport(baseURL: a.url))
                let response = try await replay.send(method: "POST", path: "/kbs/v0/attest", headers: ["Cookie": "kbs-session-id=\(attested.sessionID)", "Content-Type": "application/json"], body: Array("{}".utf8))
                #expect(response.status == 401)
                #expect(String(decoding: response.body, as: UTF8.self).contains("nonce has already been used"))
            }
            // A's cached resource policy is dropped when B changes it: the configuration generation moved.
            try await adminClient.setResourcePolicy(rego: "package policy\nallow := false", adminToken: admin)
            let key = PrivateJWK.generateEC(.p256)
            let guest = KBSClient(transport: URLSessionTransport(baseURL: a.url))
            let attested = try await guest.attest(evidence: SampleEvidenceSource(), key: key)
            let denied = await #expect(throws: KBSClientError.self) { try await guest.resource("default/key/1", attested: attested, key: key) }
            #expect(denied?.variant == "PolicyDeny")
            let verify = try CLIRun.hermetic(["audit", "verify", "--store", store])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("chain: intact"))
            #expect(!verify.stdout.contains("records: 0\n"))
        }
    }
}

@Suite("hermetic serve: durability")
struct DurabilityTests {
    @Test("SIGKILL during a burst of admin writes: every acknowledged write survives the restart and the audit chain verifies")
    func killedDuringWrites() async throws {
        let files = try ServeFiles()
        let store = "sqlite:" + files.directory.appendingPathComponent("kbs.sqlite").path
        let server = try ServeProcess(["--store", store] + files.arguments)
        let admin = try await AdminToken.make(privateKeyPEM: files.adminPrivateKeyPEM)
        let client = KBSClient(transport: URLSessionTransport(baseURL: server.url))
        let acknowledged = Acknowledged()
        // Four writers in a loop; the server is killed while they run.
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for index in 0..<10_000 {
                            let path = "burst/w\(writer)/\(index)"
                            do {
                                try await client.setResource(path, value: Array(path.utf8), adminToken: admin)
                                await acknowledged.add(path)
                            } catch {
                                return
                            }
                        }
                    }
                }
            }
        }
        while await acknowledged.count < 100 { try await Task.sleep(for: .milliseconds(20)) }
        server.kill()
        await writers.value
        let paths = await acknowledged.paths
        #expect(paths.count >= 100)

        let restarted = try ServeProcess(["--store", store] + files.arguments)
        defer { restarted.stop() }
        let key = PrivateJWK.generateEC(.p256)
        let after = KBSClient(transport: URLSessionTransport(baseURL: restarted.url))
        try await after.setResourcePolicy(rego: "package policy\nallow := true", adminToken: admin)
        let attested = try await after.attest(evidence: SampleEvidenceSource(), key: key)
        for path in paths {
            #expect(try await after.resource(path, attested: attested, key: key) == Array(path.utf8), "\(path) was acknowledged but is gone")
        }
        restarted.stop()
        let verify = try CLIRun.hermetic(["audit", "verify", "--store", store])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("chain: intact"))
    }
}

actor Acknowledged {
    private(set) var paths: [String] = []
    var count: Int { paths.count }
    func add(_ path: String) { paths.append(path) }
}
