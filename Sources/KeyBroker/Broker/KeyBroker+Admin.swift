import Attestation
import Foundation
import HermeticCore
import ReferenceValues
import Storage

extension KeyBroker {
    /// `POST /kbs/v0/resource/<repo>/<type>/<tag>`: stores the raw body (admin).
    func setResource(_ request: BrokerRequest, path text: String) async throws -> BrokerResponse {
        // Trustee reports plugin admin failures with the AdminAuthInitialization type; kept for compatibility.
        let subject = try await admin.authorize(bearerToken: request.bearerToken, permission: .resourceWrite, variant: .adminAuthInitialization)
        let path = try ResourcePath(text)
        try await store.putResource(path: path.description, value: request.body)
        metrics.resource(.write, path: path.description)
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, verdict: "set-resource", resourcePath: path.description))
        return BrokerResponse()
    }

    /// `DELETE /kbs/v0/resource/<repo>/<type>/<tag>` (admin).
    func deleteResource(_ request: BrokerRequest, path text: String) async throws -> BrokerResponse {
        let subject = try await admin.authorize(bearerToken: request.bearerToken, permission: .resourceWrite, variant: .adminAuthInitialization)
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
        let subject = try await admin.authorize(bearerToken: request.bearerToken, permission: .policyWrite)
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
        let subject = try await admin.authorize(bearerToken: request.bearerToken, permission: .policyWrite)
        let source = try Self.policySource(try parseJSON(request.body, "resource-policy"))
        _ = try Self.compile(id: "resource-policy", source: source, resource: true)
        try await store.putPolicy(id: DefaultPolicies.resourceKey, source: source)
        await audit(AuditEvent(kind: .admin, time: clock(), client: subject, policyIDs: ["resource-policy"], verdict: "set-resource-policy"))
        return BrokerResponse()
    }

    /// `GET /kbs/v0/resource-policy`: the ids of stored resource policies (admin).
    func listResourcePolicies(_ request: BrokerRequest) async throws -> BrokerResponse {
        _ = try await admin.authorize(bearerToken: request.bearerToken, permission: .policyRead)
        let ids = try await store.policyIDs().filter { $0.hasPrefix("resource/") }.map { String($0.dropFirst("resource/".count)) }
        return .json(JSONValue.array(ids.map(JSONValue.string)).serialized())
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
