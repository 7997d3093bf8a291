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
        let secret = try await StoreContract.resourcesAtRest(StoreContract.Backing { try SQLiteStore(path: path, kek: $0) })
        // The plaintext appears in no file of the database (main file or WAL).
        for file in [path, path + "-wal"] {
            if let data = FileManager.default.contents(atPath: file) {
                #expect(data.range(of: Data(secret)) == nil)
            }
        }
    }

    @Test("commits are durable through a power cut, not only a crash: the writer syncs the log on every commit (FULL)")
    func durableCommits() async throws {
        let store = try SQLiteStore(path: temporaryDatabase(), kek: .generate())
        #expect(try await store.writerSynchronousLevel() == 2)
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
        let path = temporaryDatabase()
        try await StoreContract.sessions(StoreContract.Backing { try SQLiteStore(path: path, kek: $0) })
    }

    @Test("policies and reference values")
    func policies() async throws {
        let path = temporaryDatabase()
        try await StoreContract.policies(StoreContract.Backing { try SQLiteStore(path: path, kek: $0) })
    }

    @Test("every change to a policy or reference value raises the configuration generation, by any writer")
    func configurationGeneration() async throws {
        let path = temporaryDatabase()
        try await StoreContract.configurationGeneration(StoreContract.Backing { try SQLiteStore(path: path, kek: $0) })
    }

    @Test("a release reads the resource and appends its audit record in one transaction")
    func releases() async throws {
        let path = temporaryDatabase()
        try await StoreContract.releases(StoreContract.Backing { try SQLiteStore(path: path, kek: $0) })
    }

    @Test("the audit log chains every record; edits, insertions and deletions are found")
    func auditChain() async throws {
        let path = temporaryDatabase()
        try await StoreContract.auditChain(StoreContract.Backing { try SQLiteStore(path: path, kek: $0) })
    }
}

extension SQLiteStoreTests {
    @Test("two store instances on one file: each nonce won once, one linear audit chain")
    func replicasRace() async throws {
        let path = temporaryDatabase()
        try await StoreContract.replicasRace(StoreContract.Backing { try SQLiteStore(path: path, kek: $0) })
    }
}
