import Foundation
import Logging
import PostgresNIO
import Storage

/// The replicated store: PostgreSQL through postgres-nio, for several `hermetic serve` processes sharing one database.
///
/// Same semantics as ``SQLiteStore``: resources are sealed with AES-256-GCM under the key-encryption key before they
/// reach the database; a nonce is consumed by one conditional `UPDATE … RETURNING`, so of two replicas racing for it
/// exactly one wins; audit appends take a transaction-scoped advisory lock, so the hash chain stays linear across
/// replicas. The schema is created on first connect.
public final class PostgresStore: BrokerStore, Sendable {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let kek: KeyEncryptionKey
    private let logger: Logger
    /// Where the store is, without any password (`host:port/database`), for messages.
    public let location: String

    /// Advisory-lock keys (arbitrary constants, one per serialised operation).
    private enum Lock: Int64 {
        case schema = 0x4845_524D_0001
        case audit = 0x4845_524D_0002
        case sessions = 0x4845_524D_0003
    }

    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`), creating the schema if needed.
    ///
    /// - Throws: ``StoreError`` `.unavailable` naming the URL's problem or the server's answer (never the password).
    public init(url: String, kek: KeyEncryptionKey) async throws {
        let target = try PostgresURL(url)
        location = target.location
        self.kek = kek
        let logger = Logger(label: "hermetic.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        self.logger = logger
        // One direct connection first: an unreachable or refusing server fails here, by name, instead of the pool
        // retrying in the background; it also creates the schema.
        try await Self.createSchema(target: target, logger: logger)
        let configuration = PostgresClient.Configuration(
            host: target.host, port: target.port, username: target.user, password: target.password, database: target.database,
            tls: try target.clientTLS()
        )
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Closes the connections (the store must not be used afterwards).
    public func close() { runner.cancel() }

    private static func createSchema(target: PostgresURL, logger: Logger) async throws {
        let what = "creating the schema in \(target.location)"
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: .init(host: target.host, port: target.port, username: target.user, password: target.password, database: target.database,
                                     tls: try target.connectionTLS()),
                id: 0, logger: logger
            )
        } catch {
            throw storeError("connecting to \(target.location)", error)
        }
        do {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Lock.schema.rawValue))", logger: logger)
                for statement: PostgresQuery in [
                    "CREATE TABLE IF NOT EXISTS resource (path TEXT PRIMARY KEY, sealed BYTEA NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS policy (id TEXT PRIMARY KEY, source TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS reference_value (name TEXT PRIMARY KEY, json TEXT NOT NULL)",
                    """
                    CREATE TABLE IF NOT EXISTS session (id TEXT PRIMARY KEY, version TEXT NOT NULL, tee TEXT NOT NULL, nonce TEXT NOT NULL,
                        created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL, state TEXT NOT NULL, token TEXT)
                    """,
                    "CREATE INDEX IF NOT EXISTS session_expiry ON session(expires_at)",
                    // Added with EK binding; databases created before get the column here.
                    "ALTER TABLE session ADD COLUMN IF NOT EXISTS binding TEXT",
                    "CREATE TABLE IF NOT EXISTS audit (sequence BIGINT PRIMARY KEY, event TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL)",
                    // The configuration generation, raised by a trigger on every row change of a policy or a
                    // reference value, whoever makes it, so replicas cache both without serving stale ones.
                    "CREATE TABLE IF NOT EXISTS configuration_generation (id INT PRIMARY KEY CHECK (id = 0), value BIGINT NOT NULL)",
                    "INSERT INTO configuration_generation (id, value) VALUES (0, 0) ON CONFLICT (id) DO NOTHING",
                    """
                    CREATE OR REPLACE FUNCTION hermetic_raise_generation() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN UPDATE configuration_generation SET value = value + 1 WHERE id = 0; RETURN NULL; END $$
                    """,
                    """
                    CREATE OR REPLACE TRIGGER policy_generation AFTER INSERT OR UPDATE OR DELETE ON policy
                    FOR EACH ROW EXECUTE FUNCTION hermetic_raise_generation()
                    """,
                    """
                    CREATE OR REPLACE TRIGGER reference_value_generation AFTER INSERT OR UPDATE OR DELETE ON reference_value
                    FOR EACH ROW EXECUTE FUNCTION hermetic_raise_generation()
                    """,
                    // The rows of `session`, kept by a trigger so that admitting a session costs one read, however
                    // many are live.
                    "CREATE TABLE IF NOT EXISTS session_count (id INT PRIMARY KEY CHECK (id = 0), value BIGINT NOT NULL)",
                    "INSERT INTO session_count (id, value) SELECT 0, COUNT(*) FROM session ON CONFLICT (id) DO NOTHING",
                    """
                    CREATE OR REPLACE FUNCTION hermetic_count_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP = 'INSERT' THEN UPDATE session_count SET value = value + 1 WHERE id = 0;
                        ELSE UPDATE session_count SET value = value - 1 WHERE id = 0; END IF;
                        RETURN NULL;
                    END $$
                    """,
                    """
                    CREATE OR REPLACE TRIGGER session_count AFTER INSERT OR DELETE ON session
                    FOR EACH ROW EXECUTE FUNCTION hermetic_count_sessions()
                    """,
                ] {
                    try await connection.query(statement, logger: logger)
                }
            }
        } catch {
            try? await connection.close()
            throw storeError(what, error)
        }
        try? await connection.close()
    }

    // MARK: Plumbing

    /// Runs one statement and collects its rows, naming `what` in any database error.
    private func rows(_ what: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        } catch {
            throw Self.storeError(what, error)
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    private func transaction<T: Sendable>(_ what: String, _ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let logger = logger
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
        } catch {
            throw Self.storeError(what, error)
        }
    }

    private static func collect(_ sequence: PostgresRowSequence) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in sequence { rows.append(row) }
        return rows
    }

    private static func storeError(_ what: String, _ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return storeError(what, inner) }
        }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return StoreError(.unavailable, "\(what): PostgreSQL: \(message)") }
            return StoreError(.unavailable, "\(what): PostgreSQL \(error.code)")
        }
        if let error = error as? PostgresDecodingError {
            return StoreError(.corrupt, "\(what): column \(error.columnName) is not a \(error.targetType)")
        }
        return StoreError(.unavailable, "\(what): \(error)")
    }

    private static func decode<T: PostgresDecodable>(_ row: PostgresRow, _ column: String, as type: T.Type, _ what: String) throws -> T {
        do {
            return try row.makeRandomAccess()[column].decode(T.self)
        } catch {
            throw storeError(what, error)
        }
    }

    // MARK: Resources

    public func putResource(path: String, value: [UInt8]) async throws {
        let sealed = Data(try kek.seal(value, context: path))
        let now = Date().timeIntervalSince1970
        _ = try await rows("storing resource \(path)", """
            INSERT INTO resource (path, sealed, updated_at) VALUES (\(path), \(sealed), \(now))
            ON CONFLICT (path) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at
            """)
    }

    public func resource(path: String) async throws -> [UInt8]? {
        let what = "reading resource \(path)"
        guard let row = try await rows(what, "SELECT sealed FROM resource WHERE path = \(path)").first else { return nil }
        return try kek.open([UInt8](try Self.decode(row, "sealed", as: Data.self, what)), context: path)
    }

    public func deleteResource(path: String) async throws -> Bool {
        try await !rows("deleting resource \(path)", "DELETE FROM resource WHERE path = \(path) RETURNING path").isEmpty
    }

    // MARK: Policies and reference values

    public func putPolicy(id: String, source: String) async throws {
        let now = Date().timeIntervalSince1970
        _ = try await rows("storing policy \(id)", """
            INSERT INTO policy (id, source, updated_at) VALUES (\(id), \(source), \(now))
            ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
            """)
    }

    public func insertPolicyIfAbsent(id: String, source: String) async throws -> Bool {
        let now = Date().timeIntervalSince1970
        return try await !rows("storing policy \(id)", """
            INSERT INTO policy (id, source, updated_at) VALUES (\(id), \(source), \(now)) ON CONFLICT (id) DO NOTHING RETURNING id
            """).isEmpty
    }

    public func policy(id: String) async throws -> String? {
        let what = "reading policy \(id)"
        return try await rows(what, "SELECT source FROM policy WHERE id = \(id)").first.map { try Self.decode($0, "source", as: String.self, what) }
    }

    public func policyIDs() async throws -> [String] {
        let what = "listing policies"
        return try await rows(what, "SELECT id FROM policy ORDER BY id COLLATE \"C\"").map { try Self.decode($0, "id", as: String.self, what) }
    }

    public func putReferenceValue(name: String, json: String) async throws {
        _ = try await rows("storing reference value \(name)", """
            INSERT INTO reference_value (name, json) VALUES (\(name), \(json)) ON CONFLICT (name) DO UPDATE SET json = EXCLUDED.json
            """)
    }

    public func referenceValues() async throws -> [String: String] {
        let what = "reading reference values"
        var values: [String: String] = [:]
        for row in try await rows(what, "SELECT name, json FROM reference_value") {
            values[try Self.decode(row, "name", as: String.self, what)] = try Self.decode(row, "json", as: String.self, what)
        }
        return values
    }

    public func deleteReferenceValue(name: String) async throws -> Bool {
        try await !rows("deleting reference value \(name)", "DELETE FROM reference_value WHERE name = \(name) RETURNING name").isEmpty
    }

    // MARK: Sessions

    public func insertSession(_ session: SessionRecord, liveLimit: Int, now: Date) async throws -> Bool {
        let what = "creating a session"
        let nowSeconds = now.timeIntervalSince1970
        // The count and the insert are serialised across replicas, so the live limit holds for the whole cluster.
        return try await transaction(what) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Lock.sessions.rawValue))", logger: logger)
            // The stored count includes expired sessions not yet collected: only when it reaches the limit are they
            // collected here, so the limit holds on live sessions without counting them on every admission.
            func stored() async throws -> Int64 {
                let rows = try await Self.collect(connection.query("SELECT value FROM session_count WHERE id = 0", logger: logger))
                return try rows.first.map { try Self.decode($0, "value", as: Int64.self, what) } ?? 0
            }
            if try await stored() >= liveLimit {
                try await connection.query("DELETE FROM session WHERE expires_at <= \(nowSeconds)", logger: logger)
                guard try await stored() < liveLimit else { return false }
            }
            try await connection.query("""
                INSERT INTO session (id, version, tee, nonce, created_at, expires_at, state, token, binding)
                VALUES (\(session.id), \(session.version), \(session.tee), \(session.nonce), \(session.createdAt.timeIntervalSince1970),
                        \(session.expiresAt.timeIntervalSince1970), \(session.state.rawValue), \(session.token), \(session.binding))
                """, logger: logger)
            return true
        }
    }

    private static let sessionColumns = "id, version, tee, nonce, created_at, expires_at, state, token, binding"

    public func session(id: String) async throws -> SessionRecord? {
        let what = "reading a session"
        let found = try await rows(what, "SELECT \(unescaped: Self.sessionColumns) FROM session WHERE id = \(id)")
        return try found.first.map { try Self.session($0, what) }
    }

    public func configurationGeneration() async throws -> Int64 {
        let what = "reading the configuration generation"
        guard let row = try await rows(what, "SELECT value FROM configuration_generation WHERE id = 0").first else {
            throw StoreError(.corrupt, "the configuration generation row is missing")
        }
        return try Self.decode(row, "value", as: Int64.self, what)
    }

    public func sessionSnapshot(id: String) async throws -> SessionSnapshot {
        let what = "reading a session"
        // One statement: the generation comes back with the session, or alone when there is no session.
        let found = try await rows(what, """
            SELECT g.value AS generation, s.id, s.version, s.tee, s.nonce, s.created_at, s.expires_at, s.state, s.token, s.binding
            FROM configuration_generation g LEFT JOIN session s ON s.id = \(id) WHERE g.id = 0
            """)
        guard let row = found.first else { throw StoreError(.corrupt, "the configuration generation row is missing") }
        let generation = try Self.decode(row, "generation", as: Int64.self, what)
        guard try Self.decode(row, "id", as: String?.self, what) != nil else { return SessionSnapshot(session: nil, generation: generation) }
        return SessionSnapshot(session: try Self.session(row, what), generation: generation)
    }

    public func beginAttestation(sessionID: String, now: Date) async throws -> AttestationStart {
        let what = "consuming a nonce"
        let seconds = now.timeIntervalSince1970
        // One statement. The `before` snapshot shows the row as it was; the conditional UPDATE locks it, and a
        // concurrent updater re-checks `state` after the winner commits, so exactly one caller claims the nonce.
        let found = try await rows(what, """
            WITH before AS (SELECT \(unescaped: Self.sessionColumns) FROM session WHERE id = \(sessionID)),
                 claimed AS (UPDATE session SET state = 'consumed' WHERE id = \(sessionID) AND state = 'authed' AND expires_at > \(seconds) RETURNING id)
            SELECT before.*, (SELECT COUNT(*) FROM claimed) AS claimed,
                   (SELECT value FROM configuration_generation WHERE id = 0) AS generation
            FROM before
            """)
        guard let row = found.first else { return .unknownSession }
        var session = try Self.session(row, what)
        guard session.expiresAt > now else { return .expired(session) }
        guard try Self.decode(row, "claimed", as: Int64.self, what) == 1 else { return .nonceAlreadyUsed(session) }
        guard let generation = try Self.decode(row, "generation", as: Int64?.self, what) else {
            throw StoreError(.corrupt, "the configuration generation row is missing")
        }
        session.state = .consumed
        return .started(session, generation: generation)
    }

    public func completeAttestation(sessionID: String, token: String, audit event: AuditEvent) async throws -> AuditRecord {
        try await transaction("recording an attestation") { connection, logger in
            try await connection.query("UPDATE session SET state = 'attested', token = \(token) WHERE id = \(sessionID)", logger: logger)
            return try await Self.appendAudit(event, connection: connection, logger: logger, "recording an attestation")
        }
    }

    public func releaseResource(path: String, audit event: AuditEvent) async throws -> [UInt8]? {
        let what = "releasing resource \(path)"
        let kek = kek
        return try await transaction(what) { connection, logger -> [UInt8]? in
            let found = try await Self.collect(connection.query("SELECT sealed FROM resource WHERE path = \(path)", logger: logger))
            guard let row = found.first else { return nil }
            // Opened inside the transaction: a resource that cannot be opened is not recorded as released.
            let value = try kek.open([UInt8](try Self.decode(row, "sealed", as: Data.self, what)), context: path)
            _ = try await Self.appendAudit(event, connection: connection, logger: logger, what)
            return value
        }
    }

    private static func session(_ row: PostgresRow, _ what: String) throws -> SessionRecord {
        guard let state = SessionRecord.State(rawValue: try decode(row, "state", as: String.self, what)) else {
            throw StoreError(.corrupt, "session has an unknown state")
        }
        return SessionRecord(
            id: try decode(row, "id", as: String.self, what), version: try decode(row, "version", as: String.self, what),
            tee: try decode(row, "tee", as: String.self, what), nonce: try decode(row, "nonce", as: String.self, what),
            createdAt: Date(timeIntervalSince1970: try decode(row, "created_at", as: Double.self, what)),
            expiresAt: Date(timeIntervalSince1970: try decode(row, "expires_at", as: Double.self, what)),
            state: state, token: try decode(row, "token", as: String?.self, what), binding: try decode(row, "binding", as: String?.self, what)
        )
    }

    public func deleteExpiredSessions(now: Date) async throws -> Int {
        let seconds = now.timeIntervalSince1970
        return try await rows("collecting expired sessions", "DELETE FROM session WHERE expires_at <= \(seconds) RETURNING id").count
    }

    // MARK: Audit

    public func appendAudit(_ event: AuditEvent) async throws -> AuditRecord {
        let what = "appending to the audit log"
        return try await transaction(what) { connection, logger in try await Self.appendAudit(event, connection: connection, logger: logger, what) }
    }

    /// Appends inside the caller's transaction. Every replica appends under the same lock, so each record links to
    /// the true head.
    private static func appendAudit(_ event: AuditEvent, connection: PostgresConnection, logger: Logger, _ what: String) async throws -> AuditRecord {
        try await connection.query("SELECT pg_advisory_xact_lock(\(Lock.audit.rawValue))", logger: logger)
        let head = try await collect(connection.query(
            "SELECT sequence, event, previous_hash, hash FROM audit ORDER BY sequence DESC LIMIT 1", logger: logger
        ))
        let last = try head.first.map { try auditRecord($0, what) }
        let record = AuditRecord(event: event, after: last)
        try await connection.query("""
            INSERT INTO audit (sequence, event, previous_hash, hash) VALUES (\(record.sequence), \(record.eventJSON), \(record.previousHash), \(record.hash))
            """, logger: logger)
        return record
    }

    public func auditRecords() async throws -> [AuditRecord] {
        let what = "reading the audit log"
        return try await rows(what, "SELECT sequence, event, previous_hash, hash FROM audit ORDER BY sequence").map { try Self.auditRecord($0, what) }
    }

    private static func auditRecord(_ row: PostgresRow, _ what: String) throws -> AuditRecord {
        AuditRecord(
            sequence: try decode(row, "sequence", as: Int64.self, what), eventJSON: try decode(row, "event", as: String.self, what),
            previousHash: try decode(row, "previous_hash", as: String.self, what), hash: try decode(row, "hash", as: String.self, what)
        )
    }
}
