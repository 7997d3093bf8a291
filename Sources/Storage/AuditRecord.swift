import Crypto
import Foundation
import HermeticCore

/// What happened, as the broker reports it to the audit log. Never a secret, never a token.
public struct AuditEvent: Sendable, Hashable {
    /// Kinds of events.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An attestation verdict (success or failure).
        case attestation
        /// A resource was released.
        case release
        /// A resource request was denied.
        case denial
        /// An administrative change.
        case admin
    }

    /// The kind.
    public var kind: Kind
    /// When it happened.
    public var time: Date
    /// The client (address or session id).
    public var client: String
    /// The TEE, when known.
    public var tee: String
    /// The launch measurement, when known (hex).
    public var measurement: String
    /// The policies consulted.
    public var policyIDs: [String]
    /// The verdict (`affirming`, `warning`, `contraindicated`, `released`, `denied`, `failed`, ...).
    public var verdict: String
    /// The resource path, for releases and denials.
    public var resourcePath: String
    /// A short reason (the error's detail for failures).
    public var detail: String

    /// Creates an event.
    public init(kind: Kind, time: Date, client: String = "", tee: String = "", measurement: String = "", policyIDs: [String] = [],
                verdict: String, resourcePath: String = "", detail: String = "") {
        self.kind = kind
        self.time = time
        self.client = client
        self.tee = tee
        self.measurement = measurement
        self.policyIDs = policyIDs
        self.verdict = verdict
        self.resourcePath = resourcePath
        self.detail = detail
    }

    /// The event's fields as a JSON object (times in whole milliseconds since 1970).
    public var json: JSONValue {
        .object([
            "kind": .string(kind.rawValue), "time_ms": .int(Int64((time.timeIntervalSince1970 * 1000).rounded())),
            "client": .string(client), "tee": .string(tee), "measurement": .string(measurement),
            "policy_ids": .array(policyIDs.map(JSONValue.string)), "verdict": .string(verdict),
            "resource_path": .string(resourcePath), "detail": .string(detail),
        ])
    }
}

/// An event as stored: its position, the hash of the record before it, and its own hash.
public struct AuditRecord: Sendable, Hashable {
    /// The position, from 1, without gaps.
    public var sequence: Int64
    /// The event as canonical JSON text (what is hashed).
    public var eventJSON: String
    /// The previous record's hash (hex), or 64 zeros for the first.
    public var previousHash: String
    /// SHA-256 over `sequence ‖ previousHash ‖ eventJSON` (hex).
    public var hash: String

    /// The hash of the record before the first.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Builds the next record after `previous` (or the first when `nil`).
    public init(event: AuditEvent, after previous: AuditRecord?) {
        sequence = (previous?.sequence ?? 0) + 1
        previousHash = previous?.hash ?? Self.genesisHash
        eventJSON = event.json.canonicalJSON()
        hash = Self.hash(sequence: sequence, previousHash: previousHash, eventJSON: eventJSON)
    }

    /// A record as read back from storage.
    public init(sequence: Int64, eventJSON: String, previousHash: String, hash: String) {
        self.sequence = sequence
        self.eventJSON = eventJSON
        self.previousHash = previousHash
        self.hash = hash
    }

    static func hash(sequence: Int64, previousHash: String, eventJSON: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Array("\(sequence)\n\(previousHash)\n\(eventJSON)".utf8))))
    }
}

/// Checks a hash chain of audit records.
public enum AuditChain {
    /// The outcome of a check.
    public struct Report: Sendable, Hashable {
        /// Records checked.
        public var count: Int
        /// The hash of the last record (the value to keep elsewhere to detect truncation).
        public var headHash: String
        /// Every problem found, by sequence number; empty when the chain is intact.
        public var problems: [String]
        /// Whether the chain is intact.
        public var isIntact: Bool { problems.isEmpty }
    }

    /// Verifies `records` (in stored order): each hash recomputes, each links to the one before, and the sequence
    /// has no gap. An edited record breaks its own hash; an inserted or deleted one breaks the links or the sequence.
    public static func verify(_ records: [AuditRecord]) -> Report {
        var problems: [String] = []
        var previousHash = AuditRecord.genesisHash
        var expectedSequence: Int64 = 1
        for record in records {
            if record.sequence != expectedSequence {
                problems.append("record \(record.sequence): expected sequence \(expectedSequence) (a record was deleted or inserted)")
            }
            if record.previousHash != previousHash {
                problems.append("record \(record.sequence): does not link to the record before it")
            }
            let recomputed = AuditRecord.hash(sequence: record.sequence, previousHash: record.previousHash, eventJSON: record.eventJSON)
            if !ConstantTime.equals(Array(recomputed.utf8), Array(record.hash.utf8)) {
                problems.append("record \(record.sequence): its content does not match its hash (edited)")
            }
            previousHash = record.hash
            expectedSequence = record.sequence + 1
        }
        return Report(count: records.count, headHash: previousHash, problems: problems)
    }
}
