import Attestation
import Foundation
import HermeticCore
import ReferenceValues
import Storage

extension KeyBroker {
    /// `POST /kbs/v0/resource/<repo>/<type>/<tag>`: stores the raw body (admin).
    func setResource(_ request: BrokerRequest, path text: String) async throws -> BrokerResponse {
        // Trustee reports plugin admin failures with the AdminAuthInitialization type; kept for compatibility.
        let subject = try await admin.authorize(bearerToken: request.bearerToken, variant: .adminAuthInitialization)
        let path = try ResourcePath(text)
        try await store.putResource(path: path.description, value: request.body)
        metrics.resource(.write, path: path.description)
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, verdict: "set-resource", resourcePath: path.description))
        return BrokerResponse()
    }

    /// `DELETE /kbs/v0/resource/<repo>/<type>/<tag>` (admin).
    func deleteResource(_ request: BrokerRequest, path text: String) async throws -> BrokerResponse {
        let subject = try await admin.authorize(bearerToken: request.bearerToken, variant: .adminAuthInitialization)
        let path = try ResourcePath(text)
        guard try await store.deleteResource(path: path.description) else {
            throw KBSError(.pluginInternalError, "resource not found: \(path)")
        }
        metrics.resource(.delete, path: path.description)
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, verdict: "delete-resource", resourcePath: path.description))
        return BrokerResponse()
    }

    /// `POST /kbs/v0/attestation-policy`: `{"type":"rego","policy_id":ID,"policy":<base64url Rego>}` (admin).
    func setAttestationPolicy(_ request: BrokerRequest) async throws -> BrokerResponse {
        let subject = try await admin.authorize(bearerToken: request.bearerToken)
        let body = try parseJSON(request.body, "attestation-policy")
        guard let id = body["policy_id"]?.stringValue, Self.isPolicyID(id) else {
            throw KBSError(.serdeError, "attestation-policy needs a \"policy_id\" of [A-Za-z0-9_-]")
        }
        if let type = body["type"]?.stringValue, type != "rego" {
            throw KBSError(.serdeError, "attestation-policy type \(type.prefix(32)) is not rego")
        }
        let source = try Self.policySource(body)
        _ = try Self.compile(id: id, source: source, resource: false)
        try await store.putPolicy(id: DefaultPolicies.attestationKey(id), source: source)
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, policyIDs: [id], verdict: "set-attestation-policy"))
        return BrokerResponse()
    }

    /// `POST /kbs/v0/resource-policy`: `{"policy":<base64url Rego>}` (admin).
    func setResourcePolicy(_ request: BrokerRequest) async throws -> BrokerResponse {
        let subject = try await admin.authorize(bearerToken: request.bearerToken)
        let source = try Self.policySource(try parseJSON(request.body, "resource-policy"))
        _ = try Self.compile(id: "resource-policy", source: source, resource: true)
        try await store.putPolicy(id: DefaultPolicies.resourceKey, source: source)
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, policyIDs: ["resource-policy"], verdict: "set-resource-policy"))
        return BrokerResponse()
    }

    /// `GET /kbs/v0/resource-policy`: the ids of stored resource policies (admin).
    func listResourcePolicies(_ request: BrokerRequest) async throws -> BrokerResponse {
        _ = try await admin.authorize(bearerToken: request.bearerToken)
        let ids = try await store.policyIDs().filter { $0.hasPrefix("resource/") }.map { String($0.dropFirst("resource/".count)) }
        return .json(JSONValue.array(ids.map(JSONValue.string)).serialized())
    }

    /// `POST /kbs/v0/reference-value`: an RVPS `sample` message, `{"version":"0.1.0","type":"sample","payload":<base64
    /// of a JSON object name → value>}` (admin).
    func setReferenceValues(_ request: BrokerRequest) async throws -> BrokerResponse {
        let subject = try await admin.authorize(bearerToken: request.bearerToken)
        let message = try parseJSON(request.body, "reference-value")
        guard message["version"]?.stringValue == "0.1.0" else {
            throw KBSError(.rvpsError, "reference-value message version must be 0.1.0")
        }
        guard message["type"]?.stringValue == "sample" else {
            throw KBSError(.rvpsError, "reference-value message type \(message["type"]?.stringValue?.prefix(32) ?? "(missing)") is not supported (sample only)")
        }
        guard let payload = message["payload"]?.stringValue, let bytes = Base64.decode(payload),
              case .object(let values) = try parseJSON(bytes, "reference-value payload") else {
            throw KBSError(.rvpsError, "reference-value payload must be base64 of a JSON object")
        }
        // Each value is kept with its expiry (Trustee's 12 months for sample messages) and provenance, and the
        // expiry is enforced when attestations read it (`loadReferenceValues`).
        let now = clock()
        for (id, value) in try RVPSMessage.referenceValues(values, at: now, issuer: subject) {
            try await store.putReferenceValue(name: id, json: value)
        }
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, verdict: "set-reference-value", detail: values.keys.sorted().joined(separator: ",")))
        return BrokerResponse()
    }

    /// `GET /kbs/v0/reference-value/<id>`: the stored value with its expiry and provenance (admin).
    func getReferenceValue(_ request: BrokerRequest, id: String) async throws -> BrokerResponse {
        _ = try await admin.authorize(bearerToken: request.bearerToken)
        guard let json = try await store.referenceValues()[id] else {
            throw KBSError(.rvpsError, "no reference value \(id.prefix(64))")
        }
        return .json(json)
    }

    static func isPolicyID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    static func policySource(_ body: JSONValue) throws -> String {
        guard let encoded = body["policy"]?.stringValue, let bytes = Base64.decode(encoded), let source = String(validating: bytes, as: UTF8.self) else {
            throw KBSError(.serdeError, "\"policy\" must be base64url (no padding) of UTF-8 Rego")
        }
        return source
    }
}
