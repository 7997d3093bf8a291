/// The JWE key-management algorithms (`alg`) this implementation reads and writes (RFC 7518 §4).
public enum KeyManagementAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// RSAES-PKCS1-v1_5. Deprecated, but older CoCo guests (KBS protocol 0.1.1) use nothing else.
    case rsa1_5 = "RSA1_5"
    /// RSAES-OAEP with SHA-1 and MGF1-SHA-1 (ocicrypt's RSA recipients).
    case rsaOAEP = "RSA-OAEP"
    /// RSAES-OAEP with SHA-256 and MGF1-SHA-256 (the CoCo guest's RSA key).
    case rsaOAEP256 = "RSA-OAEP-256"
    /// ECDH-ES key agreement, Concat KDF, then AES-256 key wrap (the CoCo guest's default, on P-256).
    case ecdhESA256KW = "ECDH-ES+A256KW"

    /// Whether the algorithm takes an RSA key.
    public var isRSA: Bool { self != .ecdhESA256KW }
}

/// The JWE content encryption algorithms (`enc`) this implementation reads and writes.
public enum ContentEncryptionAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// AES-256 in Galois/Counter Mode, 96-bit IV, 128-bit tag: the only one the KBS protocol uses.
    case a256GCM = "A256GCM"
}

/// The elliptic curves of EC JWKs (RFC 7518 §6.2.1.1) accepted for ECDH-ES.
public enum EllipticCurve: String, Sendable, Hashable, CaseIterable, Codable {
    /// NIST P-256.
    case p256 = "P-256"
    /// NIST P-384.
    case p384 = "P-384"
    /// NIST P-521.
    case p521 = "P-521"

    /// The fixed length of one coordinate in bytes (RFC 7518 §6.2.1.2).
    public var coordinateLength: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        }
    }
}
