import Foundation
import HermeticCore
import KeyBroker
import ReferenceValues
import Storage
import Testing

/// Per-endpoint admin roles: each role of the default table reaches exactly the endpoint groups it has permission
/// for, and every refusal is Trustee's 401 `ErrorInformation` naming the permission the role lacks.
@Suite("Admin roles: per-endpoint permissions")
struct AdminRoleTests {
    /// One call per admin endpoint, with a body that succeeds when the call is authorised.
    struct Endpoint: Sendable {
        let method: String
        let path: String
        let body: String
        let permission: AdminPermission
    }

    static let policy = Base64.encodeURL(Array("package policy\ndefault allow := false".utf8))
    static let endpoints: [Endpoint] = [
        Endpoint(method: "POST", path: "resource/default/key/1", body: "secret", permission: .resourceWrite),
        Endpoint(method: "DELETE", path: "resource/default/key/2", body: "", permission: .resourceWrite),
        Endpoint(method: "POST", path: "attestation-policy", body: #"{"type":"rego","policy_id":"mine","policy":"\#(policy)"}"#, permission: .policyWrite),
        Endpoint(method: "POST", path: "resource-policy", body: #"{"policy":"\#(policy)"}"#, permission: .policyWrite),
        Endpoint(method: "GET", path: "resource-policy", body: "", permission: .policyRead),
        Endpoint(method: "POST", path: "reference-value", body: RVPSMessage.sample(["svn": .array([.int(1)])]), permission: .referenceValueWrite),
        Endpoint(method: "GET", path: "reference-value", body: "", permission: .referenceValueRead),
        Endpoint(method: "GET", path: "reference-value/launch", body: "", permission: .referenceValueRead),
        Endpoint(method: "DELETE", path: "reference-value/launch", body: "", permission: .referenceValueWrite),
        Endpoint(method: "GET", path: "audit-log", body: "", permission: .auditRead),
    ]

    /// Runs every endpoint with a token of `role` on a fresh broker; returns the status and the error detail of each.
    func probe(role: String, roles: AdminRoles = .defaults) async throws -> [(Endpoint, Int, String)] {
        let harness = try await Harness.make(roles: roles)
        let token = try await AdminToken.make(privateKeyPEM: Shared.adminKey.pemRepresentation, role: role)
        var results: [(Endpoint, Int, String)] = []
        for endpoint in Self.endpoints {
            // What the delete and get calls need exists before each call.
            try await harness.broker.store.putResource(path: "default/key/2", value: [1])
            try await harness.broker.store.putReferenceValue(name: "launch", json: "[\"aa\"]")
            let response = await harness.broker.handle(BrokerRequest(method: endpoint.method, path: endpoint.path,
                                                                     headers: ["Authorization": "Bearer \(token)"], body: Array(endpoint.body.utf8)))
            let detail = (try? JSONValue(parsing: response.body))?["detail"]?.stringValue ?? ""
            results.append((endpoint, response.status, detail))
        }
        return results
    }

    @Test("each default role reaches exactly its endpoint groups; a refusal is 401 naming the missing permission",
          arguments: ["admin", "resource-writer", "policy-writer", "rv-writer", "auditor"])
    func defaultRole(_ role: String) async throws {
        let granted = AdminRoles.defaults.permissions[role] ?? []
        for (endpoint, status, detail) in try await probe(role: role) {
            if granted.contains(endpoint.permission) {
                #expect(status == 200, "\(role) \(endpoint.method) \(endpoint.path): \(detail)")
            } else {
                #expect(status == 401, "\(role) \(endpoint.method) \(endpoint.path)")
                #expect(detail.contains("role \"\(role)\" lacks the permission \(endpoint.permission.rawValue)"), "\(detail)")
            }
        }
    }

    @Test("the default table: admin has everything, the auditor writes nothing")
    func defaults() {
        #expect(AdminRoles.defaults.permissions["admin"] == Set(AdminPermission.allCases))
        let auditor = AdminRoles.defaults.permissions["auditor"] ?? []
        #expect(auditor == [.auditRead, .policyRead, .referenceValueRead])
        #expect(AdminRoles.defaults.permissions.values.filter { $0.contains(.resourceWrite) }.count == 2)
    }

    @Test("a configured table replaces the defaults: an unknown role and a missing permission are named")
    func configured() async throws {
        let roles = try AdminRoles(names: ["ops": ["resource.write", "audit.read"], "root": ["*"]])
        let ops = try await probe(role: "ops", roles: roles)
        #expect(ops.filter { $0.1 == 200 }.map(\.0.permission).allSatisfy { [.resourceWrite, .auditRead].contains($0) })
        #expect(ops.filter { $0.1 == 200 }.count == 3)
        let root = try await probe(role: "root", roles: roles)
        #expect(root.allSatisfy { $0.1 == 200 })
        let admin = try await probe(role: "admin", roles: roles)
        #expect(admin.allSatisfy { $0.1 == 401 && $0.2.contains("role \"admin\" is not configured (roles: ops, root)") })

        #expect(throws: KBSError.self) { try AdminRoles(names: ["ops": ["resources.write"]]) }
        do {
            _ = try AdminRoles(names: ["ops": ["resources.write"]])
        } catch let error as KBSError {
            #expect(error.detail.contains("unknown permission \"resources.write\""))
        }
        #expect(throws: KBSError.self) { try AdminRoles(names: [:]) }
    }

    @Test("the audit log over the admin API is the store's chain, and it verifies")
    func auditLog() async throws {
        let harness = try await Harness.make()
        try await harness.store("default/key/1", "x")
        let response = await harness.broker.handle(BrokerRequest(method: "GET", path: "audit-log", headers: ["Authorization": "Bearer \(harness.adminToken)"]))
        #expect(response.status == 200)
        let records = try JSONValue(parsing: response.body).arrayValue?.compactMap { entry -> AuditRecord? in
            guard let sequence = entry["sequence"]?.intValue, let event = entry["event"]?.stringValue,
                  let previous = entry["previous_hash"]?.stringValue, let hash = entry["hash"]?.stringValue else { return nil }
            return AuditRecord(sequence: sequence, eventJSON: event, previousHash: previous, hash: hash)
        } ?? []
        #expect(records == (try await harness.broker.store.auditRecords()))
        #expect(!records.isEmpty)
        #expect(AuditChain.verify(records).isIntact)
        let nested = await harness.broker.handle(BrokerRequest(method: "GET", path: "audit-log/1", headers: ["Authorization": "Bearer \(harness.adminToken)"]))
        #expect(nested.status == 404)
    }
}
