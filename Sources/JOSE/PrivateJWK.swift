import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import _CryptoExtras

/// A key pair that can open JWEs: the guest's TEE key, whose public half travels as `tee-pubkey`.
public struct PrivateJWK: Sendable {
    enum Storage: Sendable {
        case ec(ECDH.PrivateKey)
        case rsa(RSAKey)
    }

    /// swift-crypto does not mark `_RSA.Encryption.PrivateKey` `Sendable`. The key is immutable after creation and
    /// BoringSSL's RSA operations take no mutable shared state for decryption, so sharing it is safe.
    struct RSAKey: @unchecked Sendable {
        let key: _RSA.Encryption.PrivateKey
    }

    let storage: Storage
    /// The key-management algorithm this key is for.
    public let algorithm: KeyManagementAlgorithm

    /// A fresh EC key for `ECDH-ES+A256KW` on `curve`.
    public static func generateEC(_ curve: EllipticCurve = .p256) -> PrivateJWK {
        PrivateJWK(storage: .ec(.generate(curve)), algorithm: .ecdhESA256KW)
    }

    /// A fresh RSA key (2048 bits unless told) for an RSA algorithm.
    ///
    /// - Throws: ``JOSEError`` `.keyMismatch` for a non-RSA algorithm, `.cryptoFailure` if generation fails.
    public static func generateRSA(algorithm: KeyManagementAlgorithm = .rsaOAEP256, bits: Int = 2048) throws -> PrivateJWK {
        guard algorithm.isRSA else { throw JOSEError(.keyMismatch, "\(algorithm.rawValue) is not an RSA algorithm") }
        do {
            return PrivateJWK(storage: .rsa(RSAKey(key: try _RSA.Encryption.PrivateKey(keySize: .init(bitCount: bits)))), algorithm: algorithm)
        } catch {
            throw JOSEError(.cryptoFailure, "cannot generate an RSA-\(bits) key: \(error)")
        }
    }

    /// An RSA key from its components (big-endian bytes, as in a JWK's `n`, `e`, `d`, `p`, `q`).
    ///
    /// - Throws: ``JOSEError`` `.malformed` when the components do not form a key of at least 2048 bits.
    public init(rsaN n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8], q: [UInt8], algorithm: KeyManagementAlgorithm) throws {
        guard algorithm.isRSA else { throw JOSEError(.keyMismatch, "\(algorithm.rawValue) is not an RSA algorithm") }
        do {
            self.init(storage: .rsa(RSAKey(key: try _RSA.Encryption.PrivateKey(n: n, e: e, d: d, p: p, q: q))), algorithm: algorithm)
        } catch {
            throw JOSEError(.malformed, "the RSA components do not form a private key of at least 2048 bits")
        }
    }

    /// A P-256 key from its raw 32-byte scalar.
    ///
    /// - Throws: ``JOSEError`` `.malformed` when the scalar is not a valid key.
    public init(p256Scalar d: [UInt8]) throws {
        do {
            self.init(storage: .ec(.p256(try P256.KeyAgreement.PrivateKey(rawRepresentation: d))), algorithm: .ecdhESA256KW)
        } catch {
            throw JOSEError(.malformed, "not a P-256 private scalar")
        }
    }

    init(storage: Storage, algorithm: KeyManagementAlgorithm) {
        self.storage = storage
        self.algorithm = algorithm
    }

    /// The public half as a JWK.
    public var publicJWK: PublicJWK {
        switch storage {
        case .ec(let key):
            let (x, y) = key.publicCoordinates
            return PublicJWK(validatedKey: .ec(curve: key.curve, x: x, y: y), algorithm: algorithm)
        case .rsa(let box):
            let primitives = try? box.key.publicKey.getKeyPrimitives()
            return PublicJWK(
                validatedKey: .rsa(n: Self.unsignedBytes(primitives?.modulus), e: Self.unsignedBytes(primitives?.publicExponent)),
                algorithm: algorithm
            )
        }
    }

    /// The PKCS#8 PEM of the private key (the form the guest hands to its data hub).
    public var pemRepresentation: String {
        switch storage {
        case .ec(.p256(let key)): key.pemRepresentation
        case .ec(.p384(let key)): key.pemRepresentation
        case .ec(.p521(let key)): key.pemRepresentation
        case .rsa(let box): box.key.pemRepresentation
        }
    }

    /// Recovers the content-encryption key from `encrypted_key` under `header`.
    func unwrapKey(header: ProtectedHeader, encryptedKey: [UInt8]) throws -> SymmetricKey {
        guard header.algorithm == algorithm.rawValue else {
            throw JOSEError(.keyMismatch, "the JWE alg is \(header.algorithm), this key is for \(algorithm.rawValue)")
        }
        switch storage {
        case .rsa(let box):
            let padding: _RSA.Encryption.Padding = switch algorithm {
            case .rsa1_5: ._WEAK_AND_INSECURE_PKCS_V1_5
            case .rsaOAEP: .PKCS1_OAEP
            default: .PKCS1_OAEP_SHA256
            }
            do {
                return SymmetricKey(data: try box.key.decrypt(encryptedKey, padding: padding))
            } catch {
                throw JOSEError(.decryptionFailed, "the RSA-encrypted content key does not decrypt under this key")
            }
        case .ec(let key):
            guard case .object(let epk)? = header.otherMembers["epk"] else {
                throw JOSEError(.malformed, "ECDH-ES header has no \"epk\" object")
            }
            let peer = try PublicJWK(json: .object(epk.merging(["alg": .string(algorithm.rawValue)]) { old, _ in old }))
            guard case .ec(let curve, let x, let y) = peer.key else {
                throw JOSEError(.malformed, "ECDH-ES epk is not an EC key")
            }
            let z = try key.sharedSecret(curve: curve, x: x, y: y)
            let kek = ConcatKDF.derive(sharedSecret: z, keyBits: 256, algorithmID: algorithm.rawValue)
            do {
                return try AES.KeyWrap.unwrap(encryptedKey, using: SymmetricKey(data: kek))
            } catch {
                throw JOSEError(.decryptionFailed, "the wrapped content key does not unwrap (AES key wrap integrity check)")
            }
        }
    }

    private static func unsignedBytes(_ data: Data?) -> [UInt8] {
        let bytes = [UInt8](data ?? Data())
        return Array(bytes.drop { $0 == 0 })
    }
}

extension PublicJWK {
    /// A JWK whose consistency the caller guarantees.
    init(validatedKey key: Key, algorithm: KeyManagementAlgorithm) {
        self.key = key
        self.algorithm = algorithm
    }
}
