import Attestation
import Crypto
import Foundation
import HermeticCore
import InitData
import JOSE
import ReferenceValues
import Rego
import Storage

extension KeyBroker {
    /// `POST /kbs/v0/auth`: a session, a fresh 32-byte nonce, and the `kbs-session-id` cookie.
    func auth(_ request: BrokerRequest) async throws -> BrokerResponse {
        do {
            let response = try await openSession(request)
            metrics.auth(succeeded: true)
            return response
        } catch {
            metrics.auth(succeeded: false)
            throw error
        }
    }

    private func openSession(_ request: BrokerRequest) async throws -> BrokerResponse {
        let auth = try AuthRequest(json: try parseJSON(request.body, "auth"))
        let version = try ProtocolVersion(request: auth.version)
        guard let tee = TEE(name: auth.tee) else {
            throw KBSError(.attestationError, "unknown tee \"\(auth.tee.prefix(32))\"")
        }
        do {
            _ = try verifiers.verifier(for: tee)
        } catch {
            throw KBSError(.attestationError, "\(error)")
        }
        let now = clock()
        let binding = try ekBindingChallenge(auth, tee: tee, at: now)
        let session = SessionRecord(
            id: Hex.encode(SecureRandom.bytes(16)), version: version.rawValue, tee: tee.rawValue, nonce: Base64.encode(SecureRandom.bytes(32)),
            createdAt: now, expiresAt: now.addingTimeInterval(configuration.sessionLifetime), binding: binding?.record
        )
        guard try await store.insertSession(session, liveLimit: configuration.maxLiveSessions, now: now) else {
            throw KBSError(.httpFailed, "too many live sessions (limit \(configuration.maxLiveSessions)); retry later", status: 503)
        }
        return .json(Challenge(nonce: session.nonce, extraParams: binding?.extraParams ?? "").json.serialized(), headers: [sessionCookie(session)])
    }

    /// `POST /kbs/v0/attest`: claim the session's nonce, verify the evidence with the session TEE's verifier, bound
    /// to the nonce and the TEE key, appraise it, and answer an EAR token.
    ///
    /// The nonce is consumed by the first attest request of the session that is JSON, whatever becomes of it: a
    /// request of the wrong shape or whose evidence fails has used its challenge, and the guest calls
    /// `/kbs/v0/auth` again.
    func attest(_ request: BrokerRequest) async throws -> BrokerResponse {
        guard let id = request.cookie("kbs-session-id") else {
            throw KBSError(.attestationError, "no kbs-session-id cookie: call /kbs/v0/auth first")
        }
        let body = try parseJSON(request.body, "attest")
        let (session, generation): (SessionRecord, Int64)
        switch try await store.beginAttestation(sessionID: id, now: clock()) {
        case .started(let started, let current): (session, generation) = (started, current)
        case .unknownSession: throw KBSError(.attestationError, "unknown session: call /kbs/v0/auth again")
        case .expired(let expired): throw KBSError(.attestationError, "the session expired at \(expired.expiresAt): call /kbs/v0/auth again")
        case .nonceAlreadyUsed: throw KBSError(.attestationError, "this session's nonce has already been used: call /kbs/v0/auth again")
        }
        guard let version = ProtocolVersion(rawValue: session.version), let tee = TEE(rawValue: session.tee) else {
            throw KBSError(.attestationError, "the session is corrupt")
        }
        metrics.attestationRequest()
        do {
            let attestation = try AttestationRequest(json: body, version: version)
            if let echoed = attestation.nonce, !ConstantTime.equals(Array(echoed.utf8), Array(session.nonce.utf8)) {
                throw KBSError(.attestationError, "runtime-data nonce does not match this session's challenge")
            }
            let token = try await appraise(attestation, session: session, version: version, tee: tee, generation: generation)
            let event = AuditEvent(kind: .attestation, time: clock(), client: request.client, tee: tee.rawValue,
                                   measurement: token.measurement, policyIDs: token.policyIDs, verdict: token.status.rawValue)
            do {
                _ = try await store.completeAttestation(sessionID: session.id, token: token.jwt, audit: event)
            } catch let error as StoreError {
                // No token leaves the broker unless its verdict is in the audit log.
                throw KBSError(.pluginInternalError, "storage: \(error.message)")
            }
            metrics.attestation(tee: tee.rawValue, succeeded: true)
            return .json(JSONValue.object(["token": .string(token.jwt)]).serialized(), headers: [sessionCookie(session)])
        } catch {
            let failure = error as? KBSError ?? KBSError(.attestationError, "\(error)")
            metrics.attestation(tee: tee.rawValue, succeeded: false, error: failure.variant != .attestationError)
            await audit(AuditEvent(kind: .attestation, time: clock(), client: request.client, tee: tee.rawValue, verdict: "failed", detail: failure.detail))
            throw failure
        }
    }

    struct IssuedToken {
        var jwt: String
        var status: EARStatus
        var measurement: String
        var policyIDs: [String]
    }

    private func appraise(_ attestation: AttestationRequest, session: SessionRecord, version: ProtocolVersion, tee: TEE, generation: Int64) async throws -> IssuedToken {
        let now = clock()
        let primaryRuntime = AttestationRequest.runtimeData(
            nonce: session.nonce, key: attestation.teePublicKey, additionalEvidence: version.isComposite ? attestation.additionalEvidence : nil
        )
        var (initDigest, initClaims) = (ExpectedData.notProvided, JSONValue?.none)
        if let toml = attestation.initDataTOML { (initDigest, initClaims) = try Self.initData(toml) }
        // The primary device, then each additional one; each is verified by its TEE's verifier.
        var devices: [(tee: TEE, claims: Claims, runtime: JSONValue)] = []
        let boundVerifier = try ekBoundVerifier(session: session, tee: tee, evidence: attestation.submittedEvidence)
        for claims in try await verify(tee: tee, evidence: attestation.submittedEvidence, runtimeData: primaryRuntime, initDigest: initDigest, at: now, using: boundVerifier) {
            devices.append((tee, claims, primaryRuntime))
        }
        if version.isComposite, !attestation.additionalEvidence.isEmpty {
            guard case .object(let additional) = try parseJSON(Array(attestation.additionalEvidence.utf8), "additional_evidence") else {
                throw KBSError(.attestationError, "additional_evidence is not a JSON object of TEE to evidence")
            }
            let deviceRuntime = AttestationRequest.runtimeData(nonce: session.nonce, key: attestation.teePublicKey, additionalEvidence: nil)
            for (name, evidence) in additional.sorted(by: { $0.key < $1.key }) {
                guard let deviceTEE = TEE(name: name) else { throw KBSError(.attestationError, "additional_evidence names unknown tee \"\(name.prefix(32))\"") }
                let submitted = evidence.stringValue.map { SubmittedEvidence.bytes(Array($0.utf8)) } ?? .json(evidence)
                for claims in try await verify(tee: deviceTEE, evidence: submitted, runtimeData: deviceRuntime, initDigest: .notProvided, at: now) {
                    devices.append((deviceTEE, claims, deviceRuntime))
                }
            }
        }
        // Appraisal: each device with the default policy of its class, reference values read once for all.
        let referenceValues = try await referenceValues(generation: generation, at: now)
        var submodules: [String: EARSubmodule] = [:]
        var counters: [DeviceClass: Int] = [:]
        var policyIDs: [String] = []
        for device in devices {
            let policyID = "default_\(device.claims.deviceClass.rawValue)"
            guard case .attestation(_, let policy)? = try await compiledPolicy(key: DefaultPolicies.attestationKey(policyID), resource: false, generation: generation) else {
                throw KBSError(.policyEngineError, "no attestation policy \(policyID) is stored")
            }
            let evidence = AnnotatedEvidence.make(tee: device.tee, claims: device.claims, runtimeData: device.runtime, initDataClaims: device.tee == tee ? initClaims : nil)
            let submodule: EARSubmodule
            do {
                submodule = try ReferenceValueContext.$values.withValue(referenceValues) { try policy.appraise(evidence, at: now) }
            } catch let error as EARError {
                throw KBSError(.policyEngineError, error.message)
            }
            let index = counters[device.claims.deviceClass, default: 0]
            counters[device.claims.deviceClass] = index + 1
            submodules[EARClaims.submoduleName(device.claims.deviceClass, index: index)] = submodule
            policyIDs.append(policyID)
        }
        metrics.appraisal()
        let claims = EARClaims(issuedAt: now, lifetime: configuration.tokenLifetime, submodules: submodules, issuer: configuration.tokenIssuer)
        let jwt: String
        do { jwt = try await signer.sign(claims) } catch let error as EARError { throw KBSError(.attestationError, error.message) }
        let primaryClaims = devices.first?.claims.values
        let measurement = primaryClaims?["measurement"]?.stringValue ?? primaryClaims?["launch_digest"]?.stringValue ?? ""
        return IssuedToken(jwt: jwt, status: claims.status, measurement: measurement, policyIDs: policyIDs)
    }

    private func verify(tee: TEE, evidence: SubmittedEvidence, runtimeData: JSONValue, initDigest: ExpectedData, at time: Date,
                        using override: (any AttestationVerifier)? = nil) async throws -> [Claims] {
        let verifier: any AttestationVerifier
        do { verifier = try override ?? verifiers.verifier(for: tee) } catch { throw KBSError(.attestationError, "\(error)") }
        let digest = Array(SHA384.hash(data: Array(runtimeData.canonicalJSON().utf8)))
        do {
            switch evidence {
            case .bytes(let bytes):
                return try await verifier.evaluate(evidence: bytes, expectedReportData: .value(digest), expectedInitDataDigest: initDigest, at: time)
            case .json(let value):
                return try await verifier.evaluate(evidenceJSON: value, expectedReportData: .value(digest), expectedInitDataDigest: initDigest, at: time)
            }
        } catch {
            throw KBSError(.attestationError, "\(tee.rawValue) evidence rejected: \(error)")
        }
    }

    /// The init-data digest (with the document's own `algorithm`) and its `data` table as claims.
    static func initData(_ toml: String) throws -> (ExpectedData, JSONValue?) {
        let document: InitData
        do { document = try InitData(toml: toml) } catch { throw KBSError(.attestationError, "init-data: \(error)") }
        return (.value(document.digest), .object(document.data.mapValues { .string($0) }))
    }
}
