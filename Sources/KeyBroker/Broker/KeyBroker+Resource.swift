import Attestation
import Foundation
import HermeticCore
import JOSE
import ReferenceValues
import Rego
import Storage

extension KeyBroker {
    /// Where Trustee looks for the TEE key in token claims, first hit wins (EAR first).
    static let teeKeyPointers: [[String]] = [
        ["submods", "cpu0", "ear.veraison.annotated-evidence", "runtime_data_claims", "tee-pubkey"],
        ["tdx", "attester_runtime_data", "tee-pubkey"],
        ["customized_claims", "runtime_data", "tee-pubkey"],
        ["tee-pubkey"],
    ]

    /// `GET /kbs/v0/resource/<repo>/<type>/<tag>`: token (session cookie first, then Bearer) → resource policy → the
    /// resource as a JWE to the TEE key in the token.
    func getResource(_ request: BrokerRequest, path text: String) async throws -> BrokerResponse {
        let path = try ResourcePath(text)
        var token = request.bearerToken
        var legacy = false
        // One read gives the session (if a cookie names one) and the configuration generation for the policy cache.
        let snapshot = try await store.sessionSnapshot(id: request.cookie("kbs-session-id") ?? "")
        if let session = snapshot.session, session.state == .attested, session.expiresAt > clock(), let sessionToken = session.token {
            token = sessionToken
            legacy = session.version == ProtocolVersion.v0_1_1.rawValue
        }
        guard let token else {
            throw KBSError(.tokenNotFound, "no attested kbs-session-id cookie and no Authorization: Bearer token")
        }
        let claims: JSONValue
        do {
            claims = try await tokenVerifier.verify(token, at: clock())
        } catch let error as EARError {
            throw KBSError(.tokenVerifierError, error.message)
        }
        guard try await resourcePolicyAllows(claims: claims, path: path, query: request.query, generation: snapshot.generation) else {
            await audit(AuditEvent(kind: .denial, time: clock(), client: request.client, tee: Self.teeName(claims),
                                   policyIDs: ["resource-policy"], verdict: "denied", resourcePath: path.description))
            throw KBSError(.policyDeny, "the resource policy denies \(path) to this token")
        }
        guard let keyJSON = Self.teeKeyPointers.lazy.compactMap({ Self.lookup(claims, $0) }).first else {
            throw KBSError(.tokenVerifierError, "the token carries no tee-pubkey to encrypt to")
        }
        let key: PublicJWK
        do { key = try PublicJWK(json: keyJSON) } catch let error as JOSEError { throw KBSError(.jweError, error.message) }
        // The read and its audit record are one transaction: no resource leaves without its release on record.
        let release = AuditEvent(kind: .release, time: clock(), client: request.client, tee: Self.teeName(claims),
                                 policyIDs: ["resource-policy"], verdict: "released", resourcePath: path.description)
        guard let value = try await store.releaseResource(path: path.description, audit: release) else {
            throw KBSError(.pluginInternalError, "resource not found: \(path)")
        }
        let jwe: FlattenedJWE
        do {
            jwe = legacy ? try JWE.encryptLegacy(value, to: key) : try JWE.encrypt(value, to: key)
        } catch let error as JOSEError {
            throw KBSError(.jweError, error.message)
        }
        metrics.resource(.read, path: path.description)
        let body = JSONValue.object([
            "protected": .string(jwe.protected), "encrypted_key": .string(jwe.encryptedKey), "iv": .string(jwe.iv),
            "ciphertext": .string(jwe.ciphertext), "tag": .string(jwe.tag),
        ])
        return .json(body.serialized())
    }

    /// Evaluates the resource policy: `input` = the token claims, `data` = plugin, path and query; the reference
    /// values current at `generation` when the policy reads them.
    func resourcePolicyAllows(claims: JSONValue, path: ResourcePath, query: String, generation: Int64) async throws -> Bool {
        guard case .resource(_, let allowQuery, let readsReferenceValues)? = try await compiledPolicy(key: DefaultPolicies.resourceKey, resource: true, generation: generation) else {
            metrics.policyEvaluation(allowed: false)
            return false
        }
        var queryMembers: [String: JSONValue] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if let name = parts.first { queryMembers[name] = .string(parts.count > 1 ? parts[1] : "") }
        }
        let data: JSONValue = .object([
            "plugin": .string("resource"),
            "resource-path": .array([.string(path.repository), .string(path.type), .string(path.tag)]),
            "query": .object(queryMembers),
        ])
        let referenceValues = readsReferenceValues ? try await self.referenceValues(generation: generation, at: clock()) : [:]
        do {
            // The data document differs per request: the compiled query is rebased on it, not compiled again.
            let rebased = try allowQuery.replacingData(with: Rego.Value(data))
            let result = try ReferenceValueContext.$values.withValue(referenceValues) {
                try rebased.evaluate(input: Rego.Value(claims), print: { _ in })
            }
            let allowed = result.first?["hermetic_allow"] == .bool(true)
            metrics.policyEvaluation(allowed: allowed)
            return allowed
        } catch {
            metrics.policyEvaluation(allowed: nil)
            throw KBSError(.policyEngineError, "resource policy failed: \(error)")
        }
    }

    static func lookup(_ value: JSONValue, _ pointer: [String]) -> JSONValue? {
        var current = value
        for key in pointer {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current == .null ? nil : current
    }

    static func teeName(_ claims: JSONValue) -> String {
        let evidence = lookup(claims, ["submods", "cpu0", "ear.veraison.annotated-evidence"])?.objectValue ?? [:]
        return evidence.keys.first { TEE(rawValue: $0) != nil } ?? ""
    }
}
