import Foundation
import HermeticCore
import Storage
import Testing

/// The behaviour every ``BrokerStore`` must have, run against each back end (SQLite and PostgreSQL).
enum StoreContract {
    /// Opens a store on one backing database with a given KEK (so a second KEK can be tried on the same data).
    struct Backing: Sendable {
        let open: @Sendable (KeyEncryptionKey) async throws -> any BrokerStore
    }

    /// Stores, reads and deletes a resource; another KEK on the same data is refused by name. Returns the secret.
    @discardableResult
    static func resourcesAtRest(_ backing: Backing) async throws -> [UInt8] {
        let store = try await backing.open(KeyEncryptionKey.generate())
        let secret = Array("the-plaintext-secret-value-4242".utf8)
        try await store.putResource(path: "default/key/1", value: secret)
        #expect(try await store.resource(path: "default/key/1") == secret)
        #expect(try await store.resource(path: "default/key/2") == nil)
        try await store.putResource(path: "default/key/1", value: secret + [1])
        #expect(try await store.resource(path: "default/key/1") == secret + [1])
        try await store.putResource(path: "default/key/1", value: secret)
        let other = try await backing.open(KeyEncryptionKey.generate())
        let error = await #expect(throws: StoreError.self) { try await other.resource(path: "default/key/1") }
        #expect(error?.code == .integrity)
        #expect(error?.message.contains("another key-encryption key") == true)
        #expect(try await store.deleteResource(path: "default/key/1"))
        #expect(try await !store.deleteResource(path: "default/key/1"))
        #expect(try await store.resource(path: "default/key/1") == nil)
        return secret
    }

    static func sessions(_ backing: Backing) async throws {
        let store = try await backing.open(.generate())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func session(_ id: String, expires: TimeInterval = 300) -> SessionRecord {
            // "a" carries an attester binding (EK binding's record), which every read must return as written.
            SessionRecord(id: id, version: "0.4.0", tee: "sample", nonce: "n-\(id)", createdAt: now, expiresAt: now.addingTimeInterval(expires),
                          binding: id == "a" ? #"{"ak_name":"000b\#(id)","secret_sha256":"00"}"# : nil)
        }
        #expect(try await store.insertSession(session("a"), liveLimit: 2, now: now))
        #expect(try await store.insertSession(session("b", expires: 10), liveLimit: 2, now: now))
        #expect(try await !store.insertSession(session("c"), liveLimit: 2, now: now))
        let read = try await store.session(id: "a")
        #expect(read == session("a"))
        #expect(try await store.session(id: "zzz") == nil)
        let generation = try await store.configurationGeneration()
        var consumed = session("a")
        consumed.state = .consumed
        #expect(try await store.beginAttestation(sessionID: "a", now: now) == .started(consumed, generation: generation))
        #expect(try await store.beginAttestation(sessionID: "a", now: now) == .nonceAlreadyUsed(consumed))
        #expect(try await store.beginAttestation(sessionID: "zzz", now: now) == .unknownSession)
        // An expired session is refused as expired, and its nonce stays unconsumed.
        #expect(try await store.beginAttestation(sessionID: "b", now: now.addingTimeInterval(10)) == .expired(session("b", expires: 10)))
        #expect(try await store.session(id: "b")?.state == .authed)
        let record = try await store.completeAttestation(
            sessionID: "a", token: "t", audit: AuditEvent(kind: .attestation, time: now, client: "192.0.2.7", tee: "sample", verdict: "affirming")
        )
        #expect(try await store.session(id: "a")?.state == .attested)
        #expect(try await store.session(id: "a")?.token == "t")
        #expect(try await store.auditRecords() == [record])
        #expect(try await store.sessionSnapshot(id: "a") == SessionSnapshot(session: try await store.session(id: "a"), generation: generation))
        #expect(try await store.sessionSnapshot(id: "zzz") == SessionSnapshot(session: nil, generation: generation))
        // Once "b" has expired it no longer counts: admission at the limit collects it.
        let later = now.addingTimeInterval(20)
        #expect(try await store.insertSession(session("c"), liveLimit: 2, now: later))
        #expect(try await store.session(id: "b") == nil)
        #expect(try await store.deleteExpiredSessions(now: later) == 0)
        // Collection removes the rest once they expire, and the count admission reads follows it.
        let muchLater = now.addingTimeInterval(1000)
        #expect(try await store.deleteExpiredSessions(now: muchLater) == 2)
        #expect(try await store.insertSession(session("d", expires: 2000), liveLimit: 2, now: muchLater))
        #expect(try await store.insertSession(session("e", expires: 2000), liveLimit: 2, now: muchLater))
        #expect(try await !store.insertSession(session("f", expires: 2000), liveLimit: 2, now: muchLater))
    }

    static func policies(_ backing: Backing) async throws {
        let store = try await backing.open(.generate())
        #expect(try await store.insertPolicyIfAbsent(id: "default_cpu", source: "package policy"))
        #expect(try await !store.insertPolicyIfAbsent(id: "default_cpu", source: "other"))
        try await store.putPolicy(id: "resource-policy", source: "package policy\nallow := true")
        try await store.putPolicy(id: "Z-upper", source: "p")
        #expect(try await store.policyIDs() == ["Z-upper", "default_cpu", "resource-policy"])
        #expect(try await store.policy(id: "default_cpu") == "package policy")
        #expect(try await store.policy(id: "missing") == nil)
        try await store.putPolicy(id: "default_cpu", source: "replaced")
        #expect(try await store.policy(id: "default_cpu") == "replaced")
        try await store.putReferenceValue(name: "svn", json: "[\"1\"]")
        try await store.putReferenceValue(name: "svn", json: "[\"2\"]")
        try await store.putReferenceValue(name: "launch", json: "[]")
        #expect(try await store.referenceValues() == ["svn": "[\"2\"]", "launch": "[]"])
        #expect(try await store.deleteReferenceValue(name: "launch"))
        #expect(try await !store.deleteReferenceValue(name: "launch"))
        #expect(try await store.referenceValues() == ["svn": "[\"2\"]"])
    }

    /// Every change to a policy or a reference value raises the configuration generation; nothing else does.
    static func configurationGeneration(_ backing: Backing) async throws {
        let store = try await backing.open(.generate())
        var last = try await store.configurationGeneration()
        func raised(_ change: () async throws -> Void) async throws -> Bool {
            try await change()
            let now = try await store.configurationGeneration()
            defer { last = now }
            return now > last
        }
        #expect(try await raised { try await store.putPolicy(id: "p", source: "package policy") })
        #expect(try await raised { try await store.putPolicy(id: "p", source: "package policy\nallow := true") })
        #expect(try await raised { _ = try await store.insertPolicyIfAbsent(id: "q", source: "package q") })
        #expect(try await !raised { _ = try await store.insertPolicyIfAbsent(id: "q", source: "package other") })
        #expect(try await raised { try await store.putReferenceValue(name: "svn", json: "[1]") })
        #expect(try await raised { try await store.putReferenceValue(name: "svn", json: "[2]") })
        #expect(try await raised { _ = try await store.deleteReferenceValue(name: "svn") })
        #expect(try await !raised { try await store.putResource(path: "a/b/c", value: [1]) })
        #expect(try await !raised { _ = try await store.appendAudit(AuditEvent(kind: .admin, time: Date(), verdict: "set")) })
        // Another instance on the same database (another replica) sees the same generation.
        let replica = try await backing.open(.generate())
        #expect(try await replica.configurationGeneration() == last)
        #expect(try await raised { try await replica.putPolicy(id: "p", source: "package policy\nallow := false") })
    }

    /// A release reads the resource and records it in one transaction; a missing resource records nothing.
    static func releases(_ backing: Backing) async throws {
        let kek = KeyEncryptionKey.generate()
        let store = try await backing.open(kek)
        try await store.putResource(path: "default/key/1", value: Array("secret".utf8))
        let event = AuditEvent(kind: .release, time: Date(timeIntervalSince1970: 1_800_000_000), client: "192.0.2.7", verdict: "released", resourcePath: "default/key/1")
        #expect(try await store.releaseResource(path: "default/key/1", audit: event) == Array("secret".utf8))
        #expect(try await store.releaseResource(path: "default/key/2", audit: event) == nil)
        let records = try await store.auditRecords()
        #expect(records.count == 1)
        #expect(records.first?.eventJSON.contains("\"client\":\"192.0.2.7\"") == true)
        // Under another KEK the read fails, and no release is recorded.
        let other = try await backing.open(.generate())
        await #expect(throws: StoreError.self) { try await other.releaseResource(path: "default/key/1", audit: event) }
        #expect(try await store.auditRecords().count == 1)
    }

    static func auditChain(_ backing: Backing) async throws {
        let store = try await backing.open(.generate())
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        for verdict in ["affirming", "released", "denied"] {
            _ = try await store.appendAudit(AuditEvent(kind: .attestation, time: time, client: "127.0.0.1", tee: "sample", verdict: verdict, resourcePath: "a/b/c"))
        }
        let records = try await store.auditRecords()
        #expect(records.map(\.sequence) == [1, 2, 3])
        #expect(AuditChain.verify(records).isIntact)
        #expect(AuditChain.verify(records).headHash == records[2].hash)
        // Reopening keeps the chain and appends after it.
        let reopened = try await backing.open(.generate())
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

    /// Two store instances on one database (two replicas) race: every nonce is won exactly once, and concurrent audit
    /// appends from both stay one linear chain.
    static func replicasRace(_ backing: Backing) async throws {
        let first = try await backing.open(.generate())
        let second = try await backing.open(.generate())
        let now = Date()
        for index in 0..<20 {
            _ = try await first.insertSession(
                SessionRecord(id: "s\(index)", version: "0.4.0", tee: "sample", nonce: "n", createdAt: now, expiresAt: now.addingTimeInterval(60)),
                liveLimit: 1000, now: now
            )
        }
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                for store in [first, second, first, second] {
                    group.addTask {
                        if case .started = try await store.beginAttestation(sessionID: "s\(index)", now: now) { return true }
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 20)
        try await withThrowingTaskGroup(of: AuditRecord.self) { group in
            for index in 0..<40 {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask { try await store.appendAudit(AuditEvent(kind: .admin, time: now, verdict: "set-\(index)")) }
            }
            for try await _ in group {}
        }
        let records = try await first.auditRecords()
        #expect(records.count == 40)
        #expect(AuditChain.verify(records).isIntact)
    }
}
