import Foundation
import HermeticCore
import Storage
import Testing

func temporaryDatabase() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-store-\(UUID().uuidString).sqlite").path
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("resources are sealed at rest under the KEK: not in the file, not readable with another KEK")
    func resourcesAtRest() async throws {
        let path = temporaryDatabase()
        let kek = KeyEncryptionKey.generate()
        let store = try SQLiteStore(path: path, kek: kek)
        let secret = Array("the-plaintext-secret-value-4242".utf8)
        try await store.putResource(path: "default/key/1", value: secret)
        #expect(try await store.resource(path: "default/key/1") == secret)
        #expect(try await store.resource(path: "default/key/2") == nil)
        // The plaintext appears in no file of the database (main file or WAL).
        for file in [path, path + "-wal"] {
            if let data = FileManager.default.contents(atPath: file) {
                #expect(data.range(of: Data(secret)) == nil)
            }
        }
        let other = try SQLiteStore(path: path, kek: KeyEncryptionKey.generate())
        let error = await #expect(throws: StoreError.self) { try await other.resource(path: "default/key/1") }
        #expect(error?.code == .integrity)
        #expect(error?.message.contains("another key-encryption key") == true)
        #expect(try await store.deleteResource(path: "default/key/1"))
        #expect(try await !store.deleteResource(path: "default/key/1"))
        #expect(try await store.resource(path: "default/key/1") == nil)
    }

    @Test("the KEK loads from a file (raw, hex or base64) or the environment, and refuses other sizes")
    func kekLoading() throws {
        let dir = FileManager.default.temporaryDirectory
        let raw = [UInt8](repeating: 7, count: 32)
        let rawFile = dir.appendingPathComponent("kek-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: rawFile, contents: Data(raw))
        let hexFile = dir.appendingPathComponent("kek-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: hexFile, contents: Data((Hex.encode(raw) + "\n").utf8))
        #expect(try KeyEncryptionKey.load(file: rawFile).fingerprint == KeyEncryptionKey(bytes: raw).fingerprint)
        #expect(try KeyEncryptionKey.load(file: hexFile).fingerprint == KeyEncryptionKey(bytes: raw).fingerprint)
        #expect(try KeyEncryptionKey.load(environment: "K", from: ["K": Base64.encode(raw)]).fingerprint == KeyEncryptionKey(bytes: raw).fingerprint)
        #expect(throws: StoreError.self) { try KeyEncryptionKey.load(environment: "K", from: [:]) }
        #expect(throws: StoreError.self) { try KeyEncryptionKey.load(environment: "K", from: ["K": "abcd"]) }
        #expect(throws: StoreError.self) { try KeyEncryptionKey.load(file: "/nonexistent/kek") }
        #expect(throws: StoreError.self) { try KeyEncryptionKey(bytes: [1, 2, 3]) }
    }

    @Test("sessions: the live limit, one use of each nonce, expiry collection")
    func sessions() async throws {
        let store = try SQLiteStore(path: temporaryDatabase(), kek: .generate())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func session(_ id: String, expires: TimeInterval = 300) -> SessionRecord {
            SessionRecord(id: id, version: "0.4.0", tee: "sample", nonce: "n-\(id)", createdAt: now, expiresAt: now.addingTimeInterval(expires))
        }
        #expect(try await store.insertSession(session("a"), liveLimit: 2, now: now))
        #expect(try await store.insertSession(session("b", expires: 10), liveLimit: 2, now: now))
        #expect(try await !store.insertSession(session("c"), liveLimit: 2, now: now))
        #expect(try await store.session(id: "a")?.nonce == "n-a")
        #expect(try await store.consumeNonce(sessionID: "a"))
        #expect(try await !store.consumeNonce(sessionID: "a"))
        #expect(try await !store.consumeNonce(sessionID: "zzz"))
        try await store.markAttested(sessionID: "a", token: "t")
        #expect(try await store.session(id: "a")?.state == .attested)
        #expect(try await store.session(id: "a")?.token == "t")
        // Once "b" has expired it no longer counts, and collection removes it.
        let later = now.addingTimeInterval(20)
        #expect(try await store.insertSession(session("c"), liveLimit: 2, now: later))
        #expect(try await store.deleteExpiredSessions(now: later) == 1)
        #expect(try await store.session(id: "b") == nil)
    }

    @Test("policies and reference values")
    func policies() async throws {
        let store = try SQLiteStore(path: temporaryDatabase(), kek: .generate())
        #expect(try await store.insertPolicyIfAbsent(id: "default_cpu", source: "package policy"))
        #expect(try await !store.insertPolicyIfAbsent(id: "default_cpu", source: "other"))
        try await store.putPolicy(id: "resource-policy", source: "package policy\nallow := true")
        #expect(try await store.policyIDs() == ["default_cpu", "resource-policy"])
        #expect(try await store.policy(id: "default_cpu") == "package policy")
        try await store.putReferenceValue(name: "svn", json: "[\"1\"]")
        #expect(try await store.referenceValues() == ["svn": "[\"1\"]"])
    }

    @Test("the audit log chains every record; edits, insertions and deletions are found")
    func auditChain() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path, kek: .generate())
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        for verdict in ["affirming", "released", "denied"] {
            _ = try await store.appendAudit(AuditEvent(kind: .attestation, time: time, client: "127.0.0.1", tee: "sample", verdict: verdict, resourcePath: "a/b/c"))
        }
        let records = try await store.auditRecords()
        #expect(records.map(\.sequence) == [1, 2, 3])
        #expect(AuditChain.verify(records).isIntact)
        #expect(AuditChain.verify(records).headHash == records[2].hash)
        // Reopening keeps the chain and appends after it.
        let reopened = try SQLiteStore(path: path, kek: .generate())
        let fourth = try await reopened.appendAudit(AuditEvent(kind: .admin, time: time, verdict: "set"))
        #expect(fourth.previousHash == records[2].hash)

        var edited = records
        edited[1].eventJSON = edited[1].eventJSON.replacingOccurrences(of: "released", with: "denied!")
        #expect(AuditChain.verify(edited).problems.contains { $0.contains("record 2") && $0.contains("edited") })
        var deleted = records
        deleted.remove(at: 1)
        #expect(!AuditChain.verify(deleted).isIntact)
        var inserted = records
        inserted.insert(AuditRecord(event: AuditEvent(kind: .release, time: time, verdict: "released"), after: records[0]), at: 1)
        #expect(!AuditChain.verify(inserted).isIntact)
        // A record's JSON never holds more than the event fields.
        #expect(records[0].eventJSON.hasPrefix(#"{"client":"127.0.0.1","detail":"","kind":"attestation""#))
    }
}
