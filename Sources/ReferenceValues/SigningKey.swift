import Crypto
import Foundation
import HermeticCore

/// A tenant's public key for Hermetic's signed reference value documents: Ed25519, ECDSA P-256 or P-384, from PEM
/// (SubjectPublicKeyInfo).
public struct ReferenceValueVerificationKey: Sendable {
    enum Key: Sendable {
        case ed25519(Curve25519.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
    }

    let key: Key
    /// The signature algorithm: `Ed25519`, `ES256` or `ES384`.
    public let algorithm: String
    /// SHA-256 of the SubjectPublicKeyInfo DER, hex: how provenance names the signer.
    public let fingerprint: String

    /// Reads a PEM public key.
    /// - Throws: ``ReferenceValueError`` `.key` when the PEM holds no Ed25519, P-256 or P-384 public key.
    public init(pem: String) throws(ReferenceValueError) {
        guard let der = PEMBlock.der(pem, label: "PUBLIC KEY") else {
            throw ReferenceValueError(.key, "the key is not a PEM PUBLIC KEY")
        }
        fingerprint = Hex.encode(SHA256.hash(data: der))
        if der.count == 44, der.starts(with: PEMBlock.ed25519SPKIPrefix),
           let key = try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32)) {
            self.key = .ed25519(key)
            algorithm = "Ed25519"
        } else if let key = try? P256.Signing.PublicKey(derRepresentation: der) {
            self.key = .p256(key)
            algorithm = "ES256"
        } else if let key = try? P384.Signing.PublicKey(derRepresentation: der) {
            self.key = .p384(key)
            algorithm = "ES384"
        } else {
            throw ReferenceValueError(.key, "the public key is not Ed25519, ECDSA P-256 or ECDSA P-384")
        }
    }

    /// Whether `signature` (Ed25519, or ECDSA as raw r‖s) is this key's over `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch key {
        case .ed25519(let key):
            return key.isValidSignature(signature, for: message)
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: message))
        case .p384(let key):
            guard let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA384.hash(data: message))
        }
    }
}

/// A tenant's private key for signing reference value documents (PKCS#8 PEM: Ed25519, P-256 or P-384).
public struct ReferenceValueSigningKey: Sendable {
    enum Key: Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
    }

    let key: Key

    /// Reads a PEM private key (`PRIVATE KEY`, or `EC PRIVATE KEY` for ECDSA).
    /// - Throws: ``ReferenceValueError`` `.key` when the PEM holds no usable private key.
    public init(pem: String) throws(ReferenceValueError) {
        if let der = PEMBlock.der(pem, label: "PRIVATE KEY"), der.count == 48, der.starts(with: PEMBlock.ed25519PKCS8Prefix),
           let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32)) {
            self.key = .ed25519(key)
        } else if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            self.key = .p256(key)
        } else if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            self.key = .p384(key)
        } else {
            throw ReferenceValueError(.key, "the private key is not Ed25519, ECDSA P-256 or ECDSA P-384 in PEM")
        }
    }

    /// A signing key from an Ed25519 key (for tests and key generation).
    public init(ed25519 key: Curve25519.Signing.PrivateKey) { self.key = .ed25519(key) }

    /// A signing key from a P-256 key.
    public init(p256 key: P256.Signing.PrivateKey) { self.key = .p256(key) }

    /// The signature algorithm name.
    public var algorithm: String {
        switch key {
        case .ed25519: "Ed25519"
        case .p256: "ES256"
        case .p384: "ES384"
        }
    }

    /// The public key as PEM.
    public var publicKeyPEM: String {
        switch key {
        case .ed25519(let key): PEMBlock.pem(PEMBlock.ed25519SPKIPrefix + Array(key.publicKey.rawRepresentation), label: "PUBLIC KEY")
        case .p256(let key): key.publicKey.pemRepresentation
        case .p384(let key): key.publicKey.pemRepresentation
        }
    }

    /// The signature over `message` (ECDSA as raw r‖s).
    public func signature(for message: [UInt8]) throws(ReferenceValueError) -> [UInt8] {
        do {
            switch key {
            case .ed25519(let key): return Array(try key.signature(for: message))
            case .p256(let key): return Array(try key.signature(for: SHA256.hash(data: message)).rawRepresentation)
            case .p384(let key): return Array(try key.signature(for: SHA384.hash(data: message)).rawRepresentation)
            }
        } catch {
            throw ReferenceValueError(.key, "signing failed")
        }
    }
}

/// PEM armour for the few key formats above.
enum PEMBlock {
    /// SubjectPublicKeyInfo for Ed25519 up to the 32 key bytes (RFC 8410).
    static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
    /// PKCS#8 OneAsymmetricKey for Ed25519 up to the 32 seed bytes (RFC 8410).
    static let ed25519PKCS8Prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    /// The DER inside the first `-----BEGIN <label>-----` block, or `nil`.
    static func der(_ pem: String, label: String) -> [UInt8]? {
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex) else { return nil }
        let body = pem[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        return Base64.decode(body)
    }

    /// `der` as a PEM block.
    static func pem(_ der: [UInt8], label: String) -> String {
        let text = Base64.encode(der)
        var lines: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 64, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[index..<next]))
            index = next
        }
        return "-----BEGIN \(label)-----\n" + lines.joined(separator: "\n") + "\n-----END \(label)-----\n"
    }
}
