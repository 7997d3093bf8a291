import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, through GRDB. Resources are sealed with AES-256-GCM under the
/// key-encryption key before they reach the database; the key itself is never written there.
public final class SQLiteStore: BrokerStore, Sendable {
    private let pool: DatabasePool
    private let writer: GroupCommitWriter
    private let kek: KeyEncryptionKey
    /// The database file.
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    ///
    /// - Throws: ``StoreError`` `.unavailable` when the file cannot be opened or migrated.
    public init(path: String, kek: KeyEncryptionKey) throws {
        self.path = path
        self.kek = kek
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            // GRDB opens WAL databases with `synchronous = NORMAL`: a commit survives the process's death but not the
            // machine's, whose last commits a power cut can take. An acknowledged admin write or audit record must
            // survive both, so every commit syncs the log; group commit shares that sync among concurrent writes.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            writer = GroupCommitWriter(pool)
        } catch {
            throw StoreError(.unavailable, "cannot open SQLite store \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE resource (path TEXT PRIMARY KEY, sealed BLOB NOT NULL, updated_at REAL NOT NULL);
                CREATE TABLE policy (id TEXT PRIMARY KEY, source TEXT NOT NULL, updated_at REAL NOT NULL);
                CREATE TABLE reference_value (name TEXT PRIMARY KEY, json TEXT NOT NULL);
                CREATE TABLE session (id TEXT PRIMARY KEY, version TEXT NOT NULL, tee TEXT NOT NULL, nonce TEXT NOT NULL,
                    created_at REAL NOT NULL, expires_at REAL NOT NULL, state TEXT NOT NULL, token TEXT);
                CREATE INDEX session_expiry ON session(expires_at);
                CREATE TABLE audit (sequence INTEGER PRIMARY KEY, event TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
                """)
        }
        migrator.registerMigration("v2-configuration-generation") { db in
            var statements = """
                CREATE TABLE configuration_generation (id INTEGER PRIMARY KEY CHECK (id = 0), value INTEGER NOT NULL);
                INSERT INTO configuration_generation (id, value) VALUES (0, 0);

                """
            for table in ["policy", "reference_value"] {
                for operation in ["INSERT", "UPDATE", "DELETE"] {
                    statements += """
                        CREATE TRIGGER \(table)_\(operation.lowercased())_generation AFTER \(operation) ON \(table)
                        BEGIN UPDATE configuration_generation SET value = value + 1; END;

                        """
                }
            }
            try db.execute(sql: statements)
        }
        migrator.registerMigration("v3-session-binding") { db in
            try db.execute(sql: "ALTER TABLE session ADD COLUMN binding TEXT")
        }
        // The rows of `session`, kept by triggers so that admitting a session costs one read, however many are live.
        migrator.registerMigration("v4-session-count") { db in
            try db.execute(sql: """
                CREATE TABLE session_count (id INTEGER PRIMARY KEY CHECK (id = 0), value INTEGER NOT NULL);
                INSERT INTO session_count (id, value) SELECT 0, COUNT(*) FROM session;
                CREATE TRIGGER session_insert_count AFTER INSERT ON session BEGIN UPDATE session_count SET value = value + 1; END;
                CREATE TRIGGER session_delete_count AFTER DELETE ON session BEGIN UPDATE session_count SET value = value - 1; END;
                """)
        }
        return migrator
    }

    /// Runs `body` as a write (or a read when `readOnly`), naming `what` in any database error. Writes that arrive
    /// together share one durable commit (``GroupCommitWriter``). The statements of the protocol's hot path are
    /// prepared once per connection (`cachedStatement`).
    private func run<T: Sendable>(_ what: String, readOnly: Bool = false, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return readOnly ? try await pool.read(body) : try await writer.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "\(what): \(error)")
        }
    }

    /// The writer connection's `PRAGMA synchronous` level (2 = FULL: each commit syncs the log).
    package func writerSynchronousLevel() async throws -> Int {
        try await writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    private func read<T: Sendable>(_ what: String, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await run(what, readOnly: true, body)
    }

    // MARK: Resources

    public func putResource(path: String, value: [UInt8]) async throws {
        let sealed = Data(try kek.seal(value, context: path))
        try await run("storing resource \(path)") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO resource (path, sealed, updated_at) VALUES (?, ?, ?)",
                           arguments: [path, sealed, Date().timeIntervalSince1970])
        }
    }

    public func resource(path: String) async throws -> [UInt8]? {
        let sealed = try await read("reading resource \(path)") { db in
            try Data.fetchOne(db, sql: "SELECT sealed FROM resource WHERE path = ?", arguments: [path])
        }
        guard let sealed else { return nil }
        return try kek.open([UInt8](sealed), context: path)
    }

    public func deleteResource(path: String) async throws -> Bool {
        try await run("deleting resource \(path)") { db in
            try db.execute(sql: "DELETE FROM resource WHERE path = ?", arguments: [path])
            return db.changesCount > 0
        }
    }

    // MARK: Policies and reference values

    public func putPolicy(id: String, source: String) async throws {
        try await run("storing policy \(id)") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO policy (id, source, updated_at) VALUES (?, ?, ?)",
                           arguments: [id, source, Date().timeIntervalSince1970])
        }
    }

    public func insertPolicyIfAbsent(id: String, source: String) async throws -> Bool {
        try await run("storing policy \(id)") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO policy (id, source, updated_at) VALUES (?, ?, ?)",
                           arguments: [id, source, Date().timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    public func policy(id: String) async throws -> String? {
        try await read("reading policy \(id)") { db in
            try String.fetchOne(db, sql: "SELECT source FROM policy WHERE id = ?", arguments: [id])
        }
    }

    public func policyIDs() async throws -> [String] {
        try await read("listing policies") { db in try String.fetchAll(db, sql: "SELECT id FROM policy ORDER BY id") }
    }

    public func putReferenceValue(name: String, json: String) async throws {
        try await run("storing reference value \(name)") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO reference_value (name, json) VALUES (?, ?)", arguments: [name, json])
        }
    }

    public func referenceValues() async throws -> [String: String] {
        try await read("reading reference values") { db in
            var values: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, json FROM reference_value") {
                values[row["name"]] = row["json"]
            }
            return values
        }
    }

    public func deleteReferenceValue(name: String) async throws -> Bool {
        try await run("deleting reference value \(name)") { db in
            try db.execute(sql: "DELETE FROM reference_value WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    // MARK: Sessions

    public func insertSession(_ session: SessionRecord, liveLimit: Int, now: Date) async throws -> Bool {
        try await run("creating a session") { db in
            // The stored count includes expired sessions not yet collected: only when it reaches the limit are they
            // collected here, so the limit is enforced on live sessions without counting them on every admission.
            let count = try db.cachedStatement(sql: "SELECT value FROM session_count WHERE id = 0")
            if try Int.fetchOne(count) ?? 0 >= liveLimit {
                try db.cachedStatement(sql: "DELETE FROM session WHERE expires_at <= ?").execute(arguments: [now.timeIntervalSince1970])
                guard try Int.fetchOne(count) ?? 0 < liveLimit else { return false }
            }
            try db.cachedStatement(sql: "INSERT INTO session (id, version, tee, nonce, created_at, expires_at, state, token, binding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").execute(
                arguments: [session.id, session.version, session.tee, session.nonce, session.createdAt.timeIntervalSince1970,
                            session.expiresAt.timeIntervalSince1970, session.state.rawValue, session.token, session.binding]
            )
            return true
        }
    }

    public func session(id: String) async throws -> SessionRecord? {
        try await read("reading a session") { db in try Self.session(db, id: id) }
    }

    public func configurationGeneration() async throws -> Int64 {
        try await read("reading the configuration generation") { db in try Self.generation(db) }
    }

    public func sessionSnapshot(id: String) async throws -> SessionSnapshot {
        try await read("reading a session") { db in SessionSnapshot(session: try Self.session(db, id: id), generation: try Self.generation(db)) }
    }

    public func beginAttestation(sessionID: String, now: Date) async throws -> AttestationStart {
        try await run("consuming a nonce") { db in
            guard let session = try Self.session(db, id: sessionID) else { return .unknownSession }
            guard session.expiresAt > now else { return .expired(session) }
            try db.cachedStatement(sql: "UPDATE session SET state = 'consumed' WHERE id = ? AND state = 'authed'").execute(arguments: [sessionID])
            guard db.changesCount == 1 else { return .nonceAlreadyUsed(session) }
            var consumed = session
            consumed.state = .consumed
            return .started(consumed, generation: try Self.generation(db))
        }
    }

    public func completeAttestation(sessionID: String, token: String, audit event: AuditEvent) async throws -> AuditRecord {
        try await run("recording an attestation") { db in
            try db.cachedStatement(sql: "UPDATE session SET state = 'attested', token = ? WHERE id = ?").execute(arguments: [token, sessionID])
            return try Self.appendAudit(db, event)
        }
    }

    public func releaseResource(path: String, audit event: AuditEvent) async throws -> [UInt8]? {
        let kek = kek
        return try await run("releasing resource \(path)") { db -> [UInt8]? in
            guard let sealed = try Data.fetchOne(db.cachedStatement(sql: "SELECT sealed FROM resource WHERE path = ?"), arguments: [path]) else { return nil }
            // Opened inside the transaction: a resource that cannot be opened is not recorded as released.
            let value = try kek.open([UInt8](sealed), context: path)
            _ = try Self.appendAudit(db, event)
            return value
        }
    }

    private static func session(_ db: Database, id: String) throws -> SessionRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM session WHERE id = ?"), arguments: [id]) else { return nil }
        guard let state = SessionRecord.State(rawValue: row["state"]) else {
            throw StoreError(.corrupt, "session has an unknown state")
        }
        return SessionRecord(
            id: row["id"], version: row["version"], tee: row["tee"], nonce: row["nonce"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), expiresAt: Date(timeIntervalSince1970: row["expires_at"]),
            state: state, token: row["token"], binding: row["binding"]
        )
    }

    private static func generation(_ db: Database) throws -> Int64 {
        guard let value = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM configuration_generation WHERE id = 0")) else {
            throw StoreError(.corrupt, "the configuration generation row is missing")
        }
        return value
    }

    public func deleteExpiredSessions(now: Date) async throws -> Int {
        try await run("collecting expired sessions") { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Audit

    public func appendAudit(_ event: AuditEvent) async throws -> AuditRecord {
        try await run("appending to the audit log") { db in try Self.appendAudit(db, event) }
    }

    private static func appendAudit(_ db: Database, _ event: AuditEvent) throws -> AuditRecord {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM audit ORDER BY sequence DESC LIMIT 1")).map(Self.auditRecord)
        let record = AuditRecord(event: event, after: last)
        try db.cachedStatement(sql: "INSERT INTO audit (sequence, event, previous_hash, hash) VALUES (?, ?, ?, ?)")
            .execute(arguments: [record.sequence, record.eventJSON, record.previousHash, record.hash])
        return record
    }

    public func auditRecords() async throws -> [AuditRecord] {
        try await read("reading the audit log") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY sequence").map(Self.auditRecord)
        }
    }

    private static func auditRecord(_ row: Row) -> AuditRecord {
        AuditRecord(sequence: row["sequence"], eventJSON: row["event"], previousHash: row["previous_hash"], hash: row["hash"])
    }
}
