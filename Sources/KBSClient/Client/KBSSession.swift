#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import JOSE

/// A guest's standing relation with one broker: one TEE key, an attestation token reused until shortly before its
/// `exp`, re-attestation when it expired or the broker refuses it, and resources fetched with the token and
/// decrypted with the TEE key.
public actor KBSSession {
    /// The client (transport and protocol version).
    public nonisolated let client: KBSClient
    /// Where evidence comes from.
    public nonisolated let evidence: any EvidenceSource
    /// Init-data TOML sent with every attestation (0.4.0), if any.
    public nonisolated let initDataTOML: String?
    /// Seconds before `exp` at which the token is no longer presented.
    public nonisolated let refreshMargin: TimeInterval
    private let key: PrivateJWK
    private let clock: @Sendable () -> Date
    private var current: (attested: KBSClient.Attested, token: AttestationToken)?
    /// How many RCAR round trips this session has made.
    public private(set) var attestations = 0

    /// Creates a session; nothing is sent until a token or resource is asked for.
    ///
    /// - Parameters:
    ///   - key: the TEE key resources are encrypted to (a fresh P-256 key by default; it never leaves the guest).
    ///   - clock: the time used to judge the token's `exp` (tests move it by hand).
    public init(client: KBSClient, evidence: any EvidenceSource, key: PrivateJWK = .generateEC(), initDataTOML: String? = nil,
                refreshMargin: TimeInterval = 30, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.evidence = evidence
        self.key = key
        self.initDataTOML = initDataTOML
        self.refreshMargin = refreshMargin
        self.clock = clock
    }

    /// The current attestation: the cached one while its token is usable, else a fresh RCAR.
    ///
    /// - Throws: ``KBSClientError`` from the broker, or what the evidence source throws.
    public func attested() async throws -> KBSClient.Attested {
        if let current, current.token.isUsable(at: clock(), margin: refreshMargin) { return current.attested }
        return try await reattest()
    }

    /// Runs RCAR now, replacing any cached token.
    public func reattest() async throws -> KBSClient.Attested {
        current = nil
        attestations += 1
        let attested = try await client.attest(evidence: evidence, key: key, initDataTOML: initDataTOML)
        current = (attested, try AttestationToken(jwt: attested.token))
        return attested
    }

    /// Forgets the cached token.
    public func invalidate() { current = nil }

    /// Fetches `repo/type/tag` with the token (Bearer) and decrypts it with the TEE key. A refusal that concerns the
    /// token itself (``KBSClientError/isTokenRefusal``) re-runs RCAR once and retries; any other refusal (a policy
    /// denial, an unknown resource) is thrown as is.
    public func resource(_ path: String) async throws -> [UInt8] {
        let attested = try await attested()
        do {
            return try await client.resource(path, attested: attested, key: key, bearer: true)
        } catch let error as KBSClientError where error.isTokenRefusal {
            let fresh = try await reattest()
            return try await client.resource(path, attested: fresh, key: key, bearer: true)
        }
    }

    /// Fetches the resource a `kbs:///repo/type/tag` URI names.
    public func resource(_ uri: ResourceURI) async throws -> [UInt8] { try await resource(uri.path) }
}

extension KBSClientError {
    /// Whether the broker refused the token rather than the request: 401 or 403 with Trustee's `TokenNotFound` or
    /// `TokenVerifierError` (an expired, unknown or badly signed token), or a 401 without an `ErrorInformation` body.
    public var isTokenRefusal: Bool {
        guard status == 401 || status == 403 else { return false }
        return variant == "TokenNotFound" || variant == "TokenVerifierError" || type.isEmpty
    }
}
