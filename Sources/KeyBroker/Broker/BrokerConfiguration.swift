import Foundation
import ReferenceValues

/// How a broker behaves: lifetimes, limits and the development switches. Every field has a safe default.
public struct BrokerConfiguration: Sendable {
    /// How long an RCAR session lives after auth (Trustee's `[attestation_service] timeout`, 5 minutes).
    public var sessionLifetime: TimeInterval = 300
    /// How long an EAR token is valid (Trustee's `duration_min`, 5 minutes).
    public var tokenLifetime: TimeInterval = 300
    /// The most unexpired sessions kept at once; auth is refused beyond it.
    public var maxLiveSessions: Int = 10_000
    /// The largest request body accepted, in bytes (Trustee's `payload_request_size`, 2 MiB).
    public var maxBodyBytes: Int = 2 * 1024 * 1024
    /// Allow every admin call without a token when no admin key is configured. Development only.
    public var insecureAdmin: Bool = false
    /// The `iss` of issued tokens.
    public var tokenIssuer: String = "CoCo-Attestation-Service"
    /// EK binding for the `tpm` TEE (attestation key provenance); off when nil.
    public var tpmEKBinding: TPMEKBinding?
    /// The tenant's keys for Hermetic's signed reference value documents (`POST /kbs/v0/reference-value` with
    /// `"format": "hermetic-reference-values/1"`); with none, signed documents are refused.
    public var referenceValueSigners: [ReferenceValueVerificationKey] = []
    /// Refuse Trustee's unsigned RVPS `sample` messages: only signed documents add reference values.
    public var requireSignedReferenceValues: Bool = false

    /// The defaults.
    public init() {}
}
