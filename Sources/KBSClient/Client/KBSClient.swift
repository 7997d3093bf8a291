import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import JOSE

/// The guest and tenant side of the KBS protocol: RCAR with a given evidence source and TEE key, resource fetch and
/// decryption, and the admin calls.
public struct KBSClient: Sendable {
    /// The way to the broker.
    public let transport: any KBSTransport
    /// The protocol version to speak.
    public let version: ProtocolVersion

    /// Creates a client.
    public init(transport: any KBSTransport, version: ProtocolVersion = .v0_4_0) {
        self.transport = transport
        self.version = version
    }

    /// What RCAR yields: the session cookie and the EAR token.
    public struct Attested: Sendable {
        /// The `kbs-session-id` value.
        public var sessionID: String
        /// The EAR token.
        public var token: String
        /// The nonce that was bound.
        public var nonce: String

        /// Wraps a session id and token obtained elsewhere (a token handed over by an attestation agent).
        public init(sessionID: String, token: String, nonce: String) {
            self.sessionID = sessionID
            self.token = token
            self.nonce = nonce
        }
    }

    // MARK: Guest

    /// Runs auth and attest: evidence from `source` binds the challenge nonce and `key`'s public half; with
    /// `initDataTOML` (0.4.0), the init-data travels for the broker to check against the evidence's binding.
    ///
    /// - Throws: ``KBSClientError`` with the broker's error.
    public func attest(evidence source: any EvidenceSource, key: PrivateJWK, initDataTOML: String? = nil) async throws -> Attested {
        var extraParams: [String: JSONValue] = [
            "supported-hash-algorithms": .array([.string("sha256"), .string("sha384"), .string("sha512")]),
        ]
        let bound = source as? any BoundEvidenceSource
        if let bound {
            for (member, value) in try bound.authExtraParams() { extraParams[member] = value }
        }
        let auth = AuthRequest(version: version.rawValue, tee: source.tee.rawValue, extraParams: .object(extraParams))
        let challengeResponse = try await call("POST", "auth", json: auth.json)
        guard let cookie = challengeResponse.headers["set-cookie"], let sessionID = Self.sessionID(fromSetCookie: cookie) else {
            throw KBSClientError(status: challengeResponse.status, type: "", detail: "auth answered without a kbs-session-id cookie")
        }
        let challenge = try Challenge(json: try Self.decode(challengeResponse.body))
        let runtime = AttestationRequest.runtimeData(nonce: challenge.nonce, key: key.publicJWK, additionalEvidence: version.isComposite ? "" : nil)
        let digest = Array(SHA384.hash(data: Array(runtime.canonicalJSON().utf8)))
        let evidence = if let bound {
            try await bound.evidence(reportData: digest, challengeExtraParams: challenge.extraParams)
        } else {
            try await source.evidence(reportData: digest)
        }
        let body = version.isComposite
            ? AttestationRequest.json(nonce: challenge.nonce, key: key.publicJWK, primaryEvidence: evidence, initDataTOML: initDataTOML)
            : AttestationRequest.legacyJSON(key: key.publicJWK, evidence: evidence)
        let response = try await call("POST", "attest", json: body, headers: ["Cookie": "kbs-session-id=\(sessionID)"])
        guard let token = try Self.decode(response.body)["token"]?.stringValue else {
            throw KBSClientError(status: response.status, type: "", detail: "attest answered without a token")
        }
        return Attested(sessionID: sessionID, token: token, nonce: challenge.nonce)
    }

    /// Fetches a resource and decrypts it with `key`, presenting the session cookie or, with `bearer`, the token.
    ///
    /// - Throws: ``KBSClientError`` with the broker's error, or ``JOSEError`` when the JWE does not open.
    public func resource(_ path: String, attested: Attested, key: PrivateJWK, bearer: Bool = false) async throws -> [UInt8] {
        let jwe = try await encryptedResource(path, attested: attested, bearer: bearer)
        return version == .v0_1_1 ? try JWE.decryptLegacy(jwe, with: key) : try JWE.decrypt(jwe, with: key)
    }

    /// Fetches a resource's JWE without decrypting it.
    public func encryptedResource(_ path: String, attested: Attested, bearer: Bool = false) async throws -> FlattenedJWE {
        let headers = bearer ? ["Authorization": "Bearer \(attested.token)"] : ["Cookie": "kbs-session-id=\(attested.sessionID)"]
        let response = try await call("GET", "resource/\(path)", headers: headers)
        do {
            return try JSONDecoder().decode(FlattenedJWE.self, from: Data(response.body))
        } catch {
            throw KBSClientError(status: response.status, type: "", detail: "the resource answer is not a JWE")
        }
    }

    // MARK: Admin

    /// Stores a resource.
    public func setResource(_ path: String, value: [UInt8], adminToken: String) async throws {
        _ = try await call("POST", "resource/\(path)", body: value, headers: Self.admin(adminToken, contentType: "application/octet-stream"))
    }

    /// Deletes a resource.
    public func deleteResource(_ path: String, adminToken: String) async throws {
        _ = try await call("DELETE", "resource/\(path)", headers: Self.admin(adminToken))
    }

    /// Stores an attestation policy under `id`.
    public func setAttestationPolicy(id: String, rego: String, adminToken: String) async throws {
        let body: JSONValue = .object(["type": .string("rego"), "policy_id": .string(id), "policy": .string(Base64.encodeURL(Array(rego.utf8)))])
        _ = try await call("POST", "attestation-policy", json: body, headers: Self.admin(adminToken))
    }

    /// Stores the resource policy.
    public func setResourcePolicy(rego: String, adminToken: String) async throws {
        _ = try await call("POST", "resource-policy", json: .object(["policy": .string(Base64.encodeURL(Array(rego.utf8)))]), headers: Self.admin(adminToken))
    }

    /// Stores reference values (an RVPS `sample` message).
    public func setReferenceValues(_ values: [String: JSONValue], adminToken: String) async throws {
        let payload = Base64.encode(Array(JSONValue.object(values).serialized().utf8))
        let body: JSONValue = .object(["version": .string("0.1.0"), "type": .string("sample"), "payload": .string(payload)])
        _ = try await call("POST", "reference-value", json: body, headers: Self.admin(adminToken))
    }

    /// Reads one reference value.
    public func referenceValue(_ id: String, adminToken: String) async throws -> JSONValue {
        try Self.decode(try await call("GET", "reference-value/\(id)", headers: Self.admin(adminToken)).body)
    }

    // MARK: Plumbing

    /// Sends a request and turns any non-200 answer into a ``KBSClientError``.
    public func call(_ method: String, _ path: String, json: JSONValue? = nil, body: [UInt8] = [], headers: [String: String] = [:]) async throws -> KBSHTTPResponse {
        var headers = headers
        var payload = body
        if let json {
            payload = Array(json.serialized().utf8)
            headers["Content-Type"] = "application/json"
        }
        let response: KBSHTTPResponse
        do {
            response = try await transport.send(method: method, path: "/kbs/v0/\(path)", headers: headers, body: payload)
        } catch let error as KBSClientError {
            throw error
        } catch {
            throw KBSClientError(status: 0, type: "", detail: "cannot reach the broker: \(error)")
        }
        guard response.status == 200 else {
            let info = try? Self.decode(response.body)
            throw KBSClientError(status: response.status, type: info?["type"]?.stringValue ?? "", detail: info?["detail"]?.stringValue ?? String(decoding: response.body.prefix(200), as: UTF8.self))
        }
        return response
    }

    static func admin(_ token: String, contentType: String? = nil) -> [String: String] {
        var headers = ["Authorization": "Bearer \(token)"]
        if let contentType { headers["Content-Type"] = contentType }
        return headers
    }

    static func decode(_ body: [UInt8]) throws -> JSONValue {
        do { return try JSONValue(parsing: body) } catch {
            throw KBSClientError(status: 0, type: "", detail: "the broker's answer is not JSON")
        }
    }

    /// The session id in a `Set-Cookie: kbs-session-id=<id>; Expires=...` header.
    public static func sessionID(fromSetCookie header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmingWhitespace(newlines: false).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0] == "kbs-session-id" { return pair[1] }
        }
        return nil
    }
}
