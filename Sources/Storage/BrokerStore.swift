import Foundation

/// Everything the key broker keeps: resources (encrypted at rest by the implementation, under a
/// ``KeyEncryptionKey`` it was given), policies, reference values, RCAR sessions and the hash-chained audit log.
///
/// One protocol, several back ends (``SQLiteStore`` embedded; PostgreSQL for replicas). Sessions live here so that
/// any replica serves any step of the protocol.
///
/// The hot path of the protocol takes one round trip per step: ``sessionSnapshot(id:)``,
/// ``beginAttestation(sessionID:now:)``, ``completeAttestation(sessionID:token:audit:)`` and
/// ``releaseResource(path:audit:)`` each combine what would otherwise be several calls, and the configuration
/// generation they return lets a broker cache policies and reference values without ever serving stale ones: the
/// store raises the generation on every change to a policy or a reference value, whoever makes it (database triggers,
/// so a change by hand or by another replica counts too).
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
    /// Deletes the reference value `name`; returns whether it existed.
    func deleteReferenceValue(name: String) async throws -> Bool

    /// Inserts a new session, refusing it when `liveLimit` unexpired sessions already exist at `now`.
    /// - Returns: whether it was inserted.
    func insertSession(_ session: SessionRecord, liveLimit: Int, now: Date) async throws -> Bool
    /// The session `id`, or `nil` (expired sessions are returned; the caller checks expiry).
    func session(id: String) async throws -> SessionRecord?
    /// Deletes sessions that expired before `now`; returns how many.
    func deleteExpiredSessions(now: Date) async throws -> Int

    /// The configuration generation: a counter raised by every insert, update or delete of a policy or a reference
    /// value.
    func configurationGeneration() async throws -> Int64
    /// The session `id` and the configuration generation, read in one transaction.
    func sessionSnapshot(id: String) async throws -> SessionSnapshot
    /// In one transaction: reads session `id` and, when it is unexpired at `now` and its nonce unused, consumes the
    /// nonce. Of concurrent callers on any replica, exactly one is told ``AttestationStart/started(_:generation:)``.
    func beginAttestation(sessionID: String, now: Date) async throws -> AttestationStart
    /// In one transaction: marks session `id` attested with `token` and appends `audit` to the audit log.
    func completeAttestation(sessionID: String, token: String, audit: AuditEvent) async throws -> AuditRecord
    /// In one transaction: reads the resource at `path` and, when it exists, appends `audit` (its release) to the
    /// audit log; when it does not, nothing is appended.
    /// - Returns: the resource, or `nil`.
    func releaseResource(path: String, audit: AuditEvent) async throws -> [UInt8]?

    /// Appends an event to the audit log, chained to the last record, and returns the record.
    func appendAudit(_ event: AuditEvent) async throws -> AuditRecord
    /// Every audit record in sequence order.
    func auditRecords() async throws -> [AuditRecord]
}
