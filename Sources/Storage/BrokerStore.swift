import Foundation

/// Everything the key broker keeps: resources (encrypted at rest by the implementation, under a
/// ``KeyEncryptionKey`` it was given), policies, reference values, RCAR sessions and the hash-chained audit log.
///
/// One protocol, several back ends (``SQLiteStore`` embedded; PostgreSQL for replicas). Sessions live here so that
/// any replica serves any step of the protocol.
public protocol BrokerStore: Sendable {
    /// Stores (or replaces) the resource at `path`.
    func putResource(path: String, value: [UInt8]) async throws
    /// The resource at `path`, or `nil`.
    func resource(path: String) async throws -> [UInt8]?
    /// Deletes the resource at `path`; returns whether it existed.
    func deleteResource(path: String) async throws -> Bool

    /// Stores (or replaces) a policy's source under `id`.
    func putPolicy(id: String, source: String) async throws
    /// Stores a policy only when none exists under `id` (startup defaults); returns whether it was stored.
    func insertPolicyIfAbsent(id: String, source: String) async throws -> Bool
    /// The source of policy `id`, or `nil`.
    func policy(id: String) async throws -> String?
    /// The ids of all stored policies, sorted.
    func policyIDs() async throws -> [String]

    /// Stores (or replaces) a reference value (JSON text) under `name`.
    func putReferenceValue(name: String, json: String) async throws
    /// All reference values, by name (JSON text).
    func referenceValues() async throws -> [String: String]

    /// Inserts a new session, refusing it when `liveLimit` unexpired sessions already exist at `now`.
    /// - Returns: whether it was inserted.
    func insertSession(_ session: SessionRecord, liveLimit: Int, now: Date) async throws -> Bool
    /// The session `id`, or `nil` (expired sessions are returned; the caller checks expiry).
    func session(id: String) async throws -> SessionRecord?
    /// Atomically moves session `id` from `authed` to `consumed`, so its nonce is used once.
    /// - Returns: whether this caller won the nonce.
    func consumeNonce(sessionID: String) async throws -> Bool
    /// Marks session `id` attested with `token`.
    func markAttested(sessionID: String, token: String) async throws
    /// Deletes sessions that expired before `now`; returns how many.
    func deleteExpiredSessions(now: Date) async throws -> Int

    /// Appends an event to the audit log, chained to the last record, and returns the record.
    func appendAudit(_ event: AuditEvent) async throws -> AuditRecord
    /// Every audit record in sequence order.
    func auditRecords() async throws -> [AuditRecord]
}
