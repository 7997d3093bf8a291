/// The KBS protocol versions this broker speaks. Trustee accepts one exact version per release; guests in the
/// field still send the older ones, so the version is chosen per session from the auth request.
public enum ProtocolVersion: String, Sendable, Hashable, CaseIterable, Codable {
    /// Trustee ≤ v0.11, guest-components v0.10–v0.11: `{"tee-pubkey", "tee-evidence"}` attestations; JWE with a raw
    /// JSON header, the tag inside the ciphertext, RSA1_5 keys only.
    case v0_1_1 = "0.1.1"
    /// Trustee v0.12–v0.13: the same attestation shape; standard flattened JWE, EC keys.
    case v0_2_0 = "0.2.0"
    /// Trustee v0.14 onwards: `init-data`, `runtime-data`, `tee-evidence.{primary_evidence, additional_evidence}`.
    case v0_4_0 = "0.4.0"

    /// Parses a request's version exactly (semver `=x.y.z`, no pre-release or build metadata).
    ///
    /// - Throws: ``KBSError`` `AttestationError` naming the versions this broker speaks.
    public init(request text: String) throws {
        guard let version = ProtocolVersion(rawValue: text) else {
            throw KBSError(.attestationError, "KBS Client Protocol Version Mismatch: expect one of \(ProtocolVersion.allCases.map(\.rawValue).joined(separator: ", ")) while the request is \(text)")
        }
        self = version
    }

    /// Whether attestations use the 0.4.0 composite shape.
    public var isComposite: Bool { self == .v0_4_0 }
}
