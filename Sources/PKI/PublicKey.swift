import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import _CryptoExtras
import SwiftASN1

/// A certificate's subject public key, in the algorithms this reader checks signatures with.
public enum PublicKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)

    /// Reads a DER `SubjectPublicKeyInfo`.
    ///
    /// - Throws: ``PKIError`` for keys of other algorithms or curves, or RSA keys under 2048 bits.
    public init(subjectPublicKeyInfo spki: ArraySlice<UInt8>) throws {
        let node = try DER.parse(spki)
        let (algorithm, curve): (ASN1ObjectIdentifier, ASN1ObjectIdentifier?) = try DER.sequence(node, identifier: .sequence) { fields in
            guard let algorithmNode = fields.next() else { throw PKIError.malformed("SubjectPublicKeyInfo is empty") }
            _ = fields.next()
            return try DER.sequence(algorithmNode, identifier: .sequence) { alg in
                let oid = try ASN1ObjectIdentifier(derEncoded: &alg)
                let parameter = alg.next()
                let curve = try parameter.flatMap { $0.identifier == .objectIdentifier ? try ASN1ObjectIdentifier(derEncoded: $0) : nil }
                return (oid, curve)
            }
        }
        do {
            switch (algorithm, curve) {
            case (OID.rsaEncryption, _): self = .rsa(try _RSA.Signing.PublicKey(derRepresentation: spki))
            case (OID.ecPublicKey, OID.secp256r1): self = .p256(try P256.Signing.PublicKey(derRepresentation: spki))
            case (OID.ecPublicKey, OID.secp384r1): self = .p384(try P384.Signing.PublicKey(derRepresentation: spki))
            default: throw PKIError.unsupported("public key algorithm \(algorithm) \(curve.map { "\($0)" } ?? "")")
            }
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.malformed("public key does not parse: \(error)")
        }
    }

    /// Whether `signature` over `message` verifies with this key under `algorithm`.
    ///
    /// A mismatch of key type and algorithm, or PSS parameters other than MGF1 with the signing hash and a salt of
    /// the hash length (the only form swift-crypto checks, and the one AMD uses), gives `false`.
    public func isValidSignature(_ signature: some DataProtocol, for message: some DataProtocol, algorithm: SignatureAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.rsa(let key), .rsaPSS(let hash, let mgf, let salt)):
            guard hash == mgf, salt == hash.byteCount else { return false }
            return Self.verifyRSA(key, signature, message, hash: hash, padding: .PSS)
        case (.rsa(let key), .rsaPKCS1(let hash)):
            return Self.verifyRSA(key, signature, message, hash: hash, padding: .insecurePKCS1v1_5)
        case (.p256(let key), .ecdsa(let hash)):
            guard let sig = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            switch hash {
            case .sha256: return key.isValidSignature(sig, for: SHA256.hash(data: message))
            case .sha384: return key.isValidSignature(sig, for: SHA384.hash(data: message))
            case .sha512: return key.isValidSignature(sig, for: SHA512.hash(data: message))
            }
        case (.p384(let key), .ecdsa(let hash)):
            guard let sig = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            switch hash {
            case .sha256: return key.isValidSignature(sig, for: SHA256.hash(data: message))
            case .sha384: return key.isValidSignature(sig, for: SHA384.hash(data: message))
            case .sha512: return key.isValidSignature(sig, for: SHA512.hash(data: message))
            }
        default:
            return false
        }
    }

    private static func verifyRSA(
        _ key: _RSA.Signing.PublicKey, _ signature: some DataProtocol, _ message: some DataProtocol,
        hash: HashFunction, padding: _RSA.Signing.Padding
    ) -> Bool {
        let sig = _RSA.Signing.RSASignature(rawRepresentation: signature)
        switch hash {
        case .sha256: return key.isValidSignature(sig, for: SHA256.hash(data: message), padding: padding)
        case .sha384: return key.isValidSignature(sig, for: SHA384.hash(data: message), padding: padding)
        case .sha512: return key.isValidSignature(sig, for: SHA512.hash(data: message), padding: padding)
        }
    }
}
