import Foundation
import HermeticCore
import Storage

extension KeyBroker {
    /// `GET /kbs/v0/audit-log` (Hermetic's own; Trustee has no audit log): every record in sequence order as
    /// `[{"sequence":1,"event":"<the event's canonical JSON text>","previous_hash":"…","hash":"…"}]`, the event kept as
    /// the text that was hashed so that the reader checks the chain itself (`hermetic audit verify --kbs`). Needs
    /// ``AdminPermission/auditRead``.
    func auditLog(_ request: BrokerRequest) async throws -> BrokerResponse {
        _ = try await admin.authorize(bearerToken: request.bearerToken, permission: .auditRead)
        let records = try await store.auditRecords().map { record -> JSONValue in
            .object([
                "sequence": .int(record.sequence), "event": .string(record.eventJSON),
                "previous_hash": .string(record.previousHash), "hash": .string(record.hash),
            ])
        }
        return .json(JSONValue.array(records).serialized())
    }
}
