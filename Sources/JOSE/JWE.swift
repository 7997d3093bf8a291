import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import _CryptoExtras

/// JWE encryption to a recipient's public JWK and decryption with the private one, as the KBS protocol uses it:
/// one recipient, a fresh 256-bit content key, AES-256-GCM content encryption.
public enum JWE {
    /// Which bytes authenticate the protected header.
    public enum AADSource: Sendable {
        /// The `protected` member exactly as received (RFC 7516 §5.2 step 14).
        case asReceived
        /// The header re-serialised as CoCo guests do (``ProtectedHeader/serialized()``): what a guest computes.
        case reserializedHeader
    }

    /// Encrypts `plaintext` to `recipient` (KBS protocol 0.2.0 and 0.4.0).
    ///
    /// The protected header is `{"alg":…,"enc":"A256GCM"}`, with `epk` (members sorted) for ECDH-ES, serialised as
    /// guests re-serialise it; the AAD is its base64url; the tag is separate.
    ///
    /// - Throws: ``JOSEError`` when the recipient key cannot be used.
    public static func encrypt(_ plaintext: [UInt8], to recipient: PublicJWK) throws -> FlattenedJWE {
        let contentKey = SymmetricKey(size: .bits256)
        let (encryptedKey, extraMembers) = try wrap(contentKey, for: recipient)
        let header = ProtectedHeader(
            algorithm: recipient.algorithm.rawValue, encryption: ContentEncryptionAlgorithm.a256GCM.rawValue, otherMembers: extraMembers
        )
        let protected = header.encoded
        let sealed = try seal(plaintext, key: contentKey, aad: Array(protected.utf8))
        return FlattenedJWE(
            protected: protected, encryptedKey: Base64.encodeURL(encryptedKey), iv: Base64.encodeURL(sealed.iv),
            ciphertext: Base64.encodeURL(sealed.ciphertext), tag: Base64.encodeURL(sealed.tag)
        )
    }

    /// Encrypts `plaintext` in the KBS protocol 0.1.1 form: `protected` is the raw JSON header, there is no AAD, the
    /// GCM tag is appended to the ciphertext and `tag` is empty. Only `RSA1_5` keys existed then.
    ///
    /// - Throws: ``JOSEError`` `.unsupportedAlgorithm` for any key but an RSA1_5 one.
    public static func encryptLegacy(_ plaintext: [UInt8], to recipient: PublicJWK) throws -> FlattenedJWE {
        guard recipient.algorithm == .rsa1_5 else {
            throw JOSEError(.unsupportedAlgorithm, "KBS protocol 0.1.1 encrypts only to RSA1_5 keys, not \(recipient.algorithm.rawValue)")
        }
        let contentKey = SymmetricKey(size: .bits256)
        let (encryptedKey, _) = try wrap(contentKey, for: recipient)
        let sealed = try seal(plaintext, key: contentKey, aad: [])
        return FlattenedJWE(
            protected: ProtectedHeader(algorithm: recipient.algorithm.rawValue, encryption: ContentEncryptionAlgorithm.a256GCM.rawValue).serialized(),
            encryptedKey: Base64.encodeURL(encryptedKey), iv: Base64.encodeURL(sealed.iv),
            ciphertext: Base64.encodeURL(sealed.ciphertext + sealed.tag), tag: ""
        )
    }

    /// Decrypts a flattened JWE with `key`.
    ///
    /// - Parameters:
    ///   - jwe: the JWE.
    ///   - key: the recipient's private key.
    ///   - aadSource: how the header is authenticated; a guest re-serialises it.
    /// - Throws: ``JOSEError`` naming the malformed member, the unsupported algorithm, or the failed check.
    public static func decrypt(_ jwe: FlattenedJWE, with key: PrivateJWK, aadSource: AADSource = .reserializedHeader) throws -> [UInt8] {
        let header = try ProtectedHeader(encoded: jwe.protected)
        try checkEncryption(header)
        let contentKey = try key.unwrapKey(header: header, encryptedKey: try decode(jwe.encryptedKey, "encrypted_key"))
        var aad = Array((aadSource == .asReceived ? jwe.protected : header.encoded).utf8)
        if let extra = jwe.aad { aad += Array(".\(extra)".utf8) }
        return try open(
            ciphertext: try decode(jwe.ciphertext, "ciphertext"), tag: try decode(jwe.tag, "tag"),
            iv: try decode(jwe.iv, "iv"), key: contentKey, aad: aad
        )
    }

    /// Decrypts a KBS protocol 0.1.1 JWE (raw JSON `protected`, tag appended to the ciphertext, no AAD).
    ///
    /// - Throws: ``JOSEError`` naming the malformed member or the failed check.
    public static func decryptLegacy(_ jwe: FlattenedJWE, with key: PrivateJWK) throws -> [UInt8] {
        let header = try ProtectedHeader(json: Array(jwe.protected.utf8))
        try checkEncryption(header)
        let contentKey = try key.unwrapKey(header: header, encryptedKey: try decode(jwe.encryptedKey, "encrypted_key"))
        let combined = try decode(jwe.ciphertext, "ciphertext")
        guard combined.count >= 16, jwe.tag.isEmpty else {
            throw JOSEError(.malformed, "a 0.1.1 JWE carries its 16-byte tag at the end of the ciphertext and an empty tag member")
        }
        return try open(
            ciphertext: Array(combined.dropLast(16)), tag: Array(combined.suffix(16)), iv: try decode(jwe.iv, "iv"),
            key: contentKey, aad: []
        )
    }

    /// Decrypts a compact JWE, authenticating the header as received.
    ///
    /// - Throws: ``JOSEError`` naming the malformed member or the failed check.
    public static func decrypt(_ jwe: CompactJWE, with key: PrivateJWK) throws -> [UInt8] {
        try decrypt(jwe.flattened, with: key, aadSource: .asReceived)
    }

    // MARK: - Steps

    static func wrap(_ contentKey: SymmetricKey, for recipient: PublicJWK) throws -> ([UInt8], [String: JSONValue]) {
        switch recipient.key {
        case .rsa(let n, let e):
            let publicKey: _RSA.Encryption.PublicKey
            do {
                publicKey = try _RSA.Encryption.PublicKey(n: n, e: e)
            } catch {
                throw JOSEError(.malformed, "the RSA tee-pubkey is not a valid key of at least 2048 bits")
            }
            let padding: _RSA.Encryption.Padding = switch recipient.algorithm {
            case .rsa1_5: ._WEAK_AND_INSECURE_PKCS_V1_5
            case .rsaOAEP: .PKCS1_OAEP
            default: .PKCS1_OAEP_SHA256
            }
            do {
                let encrypted = try contentKey.withUnsafeBytes { try publicKey.encrypt(Data($0), padding: padding) }
                return ([UInt8](encrypted), [:])
            } catch {
                throw JOSEError(.cryptoFailure, "RSA encryption of the content key failed")
            }
        case .ec(let curve, let x, let y):
            let ephemeral = ECDH.PrivateKey.generate(curve)
            let z = try ephemeral.sharedSecret(curve: curve, x: x, y: y)
            let kek = ConcatKDF.derive(sharedSecret: z, keyBits: 256, algorithmID: recipient.algorithm.rawValue)
            let wrapped: Data
            do {
                wrapped = try AES.KeyWrap.wrap(contentKey, using: SymmetricKey(data: kek))
            } catch {
                throw JOSEError(.cryptoFailure, "AES key wrap failed")
            }
            let (ex, ey) = ephemeral.publicCoordinates
            let epk: JSONValue = .object([
                "crv": .string(curve.rawValue), "kty": .string("EC"), "x": .string(Base64.encodeURL(ex)), "y": .string(Base64.encodeURL(ey)),
            ])
            return ([UInt8](wrapped), ["epk": epk])
        }
    }

    static func seal(_ plaintext: [UInt8], key: SymmetricKey, aad: [UInt8]) throws -> (iv: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        do {
            let nonce = AES.GCM.Nonce()
            let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: aad)
            return (Array(nonce), [UInt8](box.ciphertext), [UInt8](box.tag))
        } catch {
            throw JOSEError(.cryptoFailure, "AES-GCM encryption failed")
        }
    }

    static func open(ciphertext: [UInt8], tag: [UInt8], iv: [UInt8], key: SymmetricKey, aad: [UInt8]) throws -> [UInt8] {
        guard iv.count == 12 else { throw JOSEError(.malformed, "iv is \(iv.count) bytes, A256GCM needs 12") }
        guard tag.count == 16 else { throw JOSEError(.malformed, "tag is \(tag.count) bytes, A256GCM needs 16") }
        guard key.bitCount == 256 else { throw JOSEError(.malformed, "the content key is \(key.bitCount) bits, A256GCM needs 256") }
        do {
            let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: iv), ciphertext: ciphertext, tag: tag)
            return [UInt8](try AES.GCM.open(box, using: key, authenticating: aad))
        } catch {
            throw JOSEError(.decryptionFailed, "AES-GCM authentication failed: the ciphertext, tag, iv or protected header was altered")
        }
    }

    private static func checkEncryption(_ header: ProtectedHeader) throws {
        guard header.encryption == ContentEncryptionAlgorithm.a256GCM.rawValue else {
            throw JOSEError(.unsupportedAlgorithm, "JWE enc \"\(header.encryption)\" is not A256GCM")
        }
        guard KeyManagementAlgorithm(rawValue: header.algorithm) != nil else {
            throw JOSEError(.unsupportedAlgorithm, "JWE alg \"\(header.algorithm)\" is not supported")
        }
    }

    static func decode(_ text: String, _ member: String) throws -> [UInt8] {
        guard let bytes = Base64.decode(text) else { throw JOSEError(.malformed, "\(member) is not base64url") }
        return bytes
    }
}
