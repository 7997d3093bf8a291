import Foundation
import HermeticCore
import ReferenceValues
import Storage

/// The reference value endpoints of the admin API. Trustee has `POST /kbs/v0/reference-value` (an RVPS message) and
/// `GET /kbs/v0/reference-value/<id>`; Hermetic keeps both paths, also accepts its signed documents on the `POST`,
/// and adds `GET /kbs/v0/reference-value` (the list) and `DELETE /kbs/v0/reference-value/<id>`. Every value is
/// answered in the `rv get` form (``ReferenceValue/listing(at:)``): value, expiry, whether it has expired, provenance;
/// the `POST` answers the values it stored in that form.
extension KeyBroker {
    /// `POST /kbs/v0/reference-value`: Trustee's RVPS message `{"version":"0.1.0","type":"sample","payload":<base64
    /// of a JSON object name → value>}`, or Hermetic's signed document `{"format":"hermetic-reference-values/1",…}`
    /// verified with the tenant's configured keys (admin).
    func setReferenceValues(_ request: BrokerRequest) async throws -> BrokerResponse {
        let subject = try await admin.authorize(bearerToken: request.bearerToken, permission: .referenceValueWrite)
        let message = try parseJSON(request.body, "reference-value")
        let now = clock()
        let stored: [ReferenceValue]
        if message["format"] != nil {
            stored = try signedReferenceValues(request.body, at: now)
        } else {
            guard !configuration.requireSignedReferenceValues else {
                throw KBSError(.rvpsError, "this broker accepts only signed reference value documents (\(SignedReferenceValues.format)); unsigned RVPS messages are refused")
            }
            stored = try sampleReferenceValues(message, body: request.body, at: now, issuer: subject)
        }
        for value in stored {
            do {
                try await store.putReferenceValue(name: value.id, json: try StoredReferenceValue.encode(value))
            } catch let error as ReferenceValueError {
                throw KBSError(.rvpsError, error.description)
            }
        }
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, verdict: "set-reference-value",
                               detail: stored.map(\.id).sorted().joined(separator: ",")))
        // Trustee answers an empty 200; the stored values in the `rv get` form tell the caller what was kept.
        return .json(JSONValue.array(stored.map { $0.listing(at: now) }).serialized())
    }

    /// `GET /kbs/v0/reference-value/<id>`: one value with its expiry and provenance; `GET /kbs/v0/reference-value`:
    /// all of them, sorted by id (admin).
    func getReferenceValue(_ request: BrokerRequest, id: String) async throws -> BrokerResponse {
        _ = try await admin.authorize(bearerToken: request.bearerToken, permission: .referenceValueRead)
        let now = clock()
        let stored = try await store.referenceValues()
        if id.isEmpty {
            let values = stored.keys.sorted().compactMap { name in stored[name].flatMap { StoredReferenceValue.decode(id: name, json: $0) } }
            return .json(JSONValue.array(values.map { $0.listing(at: now) }).serialized())
        }
        guard let json = stored[id], let value = StoredReferenceValue.decode(id: id, json: json) else {
            throw KBSError(.rvpsError, "no reference value \(id.prefix(64))")
        }
        return .json(value.listing(at: now).serialized())
    }

    /// `DELETE /kbs/v0/reference-value/<id>` (admin).
    func deleteReferenceValue(_ request: BrokerRequest, id: String) async throws -> BrokerResponse {
        let subject = try await admin.authorize(bearerToken: request.bearerToken, permission: .referenceValueWrite)
        guard !id.isEmpty else { throw KBSError(.invalidRequestPath, "DELETE needs /kbs/v0/reference-value/<id>") }
        guard try await store.deleteReferenceValue(name: id) else {
            throw KBSError(.rvpsError, "no reference value \(id.prefix(64))")
        }
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, verdict: "delete-reference-value", detail: id))
        return BrokerResponse()
    }

    private func signedReferenceValues(_ body: [UInt8], at now: Date) throws -> [ReferenceValue] {
        guard !configuration.referenceValueSigners.isEmpty else {
            throw KBSError(.rvpsError, "signed reference value documents are refused: no signer key is configured (--rv-signer-key or rv_signer_keys)")
        }
        do {
            return try SignedReferenceValues(json: body, keys: configuration.referenceValueSigners, at: now).referenceValues
        } catch {
            throw KBSError(.rvpsError, error.description)
        }
    }

    private func sampleReferenceValues(_ message: JSONValue, body: [UInt8], at now: Date, issuer: String) throws -> [ReferenceValue] {
        guard message["version"]?.stringValue == "0.1.0" else {
            throw KBSError(.rvpsError, "reference-value message version must be 0.1.0")
        }
        // Trustee's 12 months for sample messages; the expiry is enforced when attestations read the value.
        do {
            return try RVPSMessage(json: body).referenceValues(at: now, issuer: issuer)
        } catch {
            throw KBSError(.rvpsError, error.description)
        }
    }
}
