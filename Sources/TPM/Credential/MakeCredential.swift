import HermeticCore
import Crypto
import _CryptoExtras

/// TPM2_MakeCredential done in software, as a verifier does it without a TPM (Part 1, 24; Part 3, 12.6): protects
/// a credential so that only the TPM holding the EK, and only for an object of the given name loaded in it, can
/// recover it with TPM2_ActivateCredential.
///
/// The seed reaches the EK by RSA-OAEP (label `IDENTITY`) or by ECDH with an ephemeral key and KDFe; from the seed,
/// KDFa derives the symmetric key (label `STORAGE`, context the object's name) that encrypts the credential in CFB
/// mode with a zero IV, and the HMAC key (label `INTEGRITY`) for the integrity HMAC over encIdentity ‖ name.
public enum MakeCredential {
    /// Protects `credential` for the object named `objectName` under the endorsement key `ek`.
    ///
    /// - Parameters:
    ///   - ek: the EK's public area: a restricted decryption key, RSA or ECC (P-256, P-384), with a symmetric AES
    ///     CFB definition (the TCG EK templates).
    ///   - objectName: the name of the key to bind (the AK): nameAlg ‖ digest.
    ///   - credential: the secret, at most the size of the EK's nameAlg digest.
    ///   - random: the source of the seed (RSA) and OAEP randomness; tests inject a fixed one.
    /// - Throws: ``TPMError`` (`unsupported`) for an EK that is not a restricted AES-CFB decryption key or has an
    ///   unsupported key; (`structure_format`) for an empty or oversized credential or a malformed name.
    public static func protect(
        _ credential: [UInt8], for objectName: [UInt8], ek: PublicArea,
        random: (Int) -> [UInt8] = SecureRandom.bytes
    ) throws -> EncryptedCredential {
        guard ek.isRestricted, ek.isDecrypting, !ek.isSigning else {
            throw TPMError(.unsupported, "MakeCredential: the EK is not a restricted decryption key (TPMA_OBJECT 0x\(String(ek.attributes, radix: 16)))")
        }
        guard let symmetric = ek.symmetric, symmetric.algorithm == .aes, symmetric.mode == .cfb, [128, 192, 256].contains(symmetric.keyBits) else {
            throw TPMError(.unsupported, "MakeCredential: the EK's symmetric definition is not AES in CFB mode")
        }
        let hash = ek.nameAlgorithm
        guard let digestSize = hash.digestSize, hash != .sm3 else {
            throw TPMError(.unsupported, "MakeCredential: the EK's nameAlg \(hash) is not supported")
        }
        guard !credential.isEmpty, credential.count <= digestSize else {
            throw TPMError(.malformedStructure, "MakeCredential: the credential is \(credential.count) octets; 1 to \(digestSize) fit the EK's \(hash)")
        }
        guard objectName.count >= 2, let nameHash = TPMAlgorithm(rawValue: UInt16(objectName[0]) << 8 | UInt16(objectName[1])).digestSize,
              objectName.count == 2 + nameHash
        else {
            throw TPMError(.malformedStructure, "MakeCredential: the object name is not nameAlg ‖ digest (\(objectName.count) octets)")
        }

        let (seed, secret) = try seal(ek: ek, hash: hash, digestSize: digestSize, random: random)
        let symmetricKey = try CredentialKDF.kdfa(hash, key: seed, label: "STORAGE", contextU: objectName, contextV: [], bits: symmetric.keyBits)
        var plaintext = TPMWriter()
        plaintext.sized(credential)
        let encIdentity: [UInt8]
        do {
            encIdentity = Array(try AES._CFB.encrypt(plaintext.bytes, using: SymmetricKey(data: symmetricKey), iv: AES._CFB.IV(ivBytes: [UInt8](repeating: 0, count: 16))))
        } catch {
            throw TPMError(.unsupported, "MakeCredential: AES-CFB failed: \(error)")
        }
        let hmacKey = try CredentialKDF.kdfa(hash, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: digestSize * 8)
        let integrity = try CredentialKDF.hmac(hash, key: hmacKey, data: encIdentity + objectName)
        var blob = TPMWriter()
        blob.sized(integrity)
        blob.append(encIdentity)
        return EncryptedCredential(credentialBlob: blob.bytes, secret: secret)
    }

    /// The seed and the TPM2B_ENCRYPTED_SECRET contents that carry it to the EK.
    private static func seal(ek: PublicArea, hash: TPMAlgorithm, digestSize: Int, random: (Int) -> [UInt8]) throws -> ([UInt8], [UInt8]) {
        switch ek.key {
        case .rsa(let modulus, let exponent):
            let seed = random(digestSize)
            let key = try RSAPublicOperation(modulus: modulus, exponent: exponent)
            return (seed, try OAEP.encrypt(seed, key: key, hash: hash, label: Array("IDENTITY\0".utf8), random: random))
        case .ecc(let curve, let x, let y):
            let (z, ephemeralX, ephemeralY) = try ecdh(curve: curve, x: x, y: y)
            let seed = try CredentialKDF.kdfe(hash, z: z, label: "IDENTITY", partyU: ephemeralX, partyV: x, bits: digestSize * 8)
            var point = TPMWriter()
            point.sized(ephemeralX)
            point.sized(ephemeralY)
            return (seed, point.bytes)
        }
    }

    /// Z (the shared point's x-coordinate) and the ephemeral public point.
    private static func ecdh(curve: UInt16, x: [UInt8], y: [UInt8]) throws -> ([UInt8], [UInt8], [UInt8]) {
        func pad(_ bytes: [UInt8], _ size: Int) -> [UInt8] {
            bytes.count >= size ? Array(bytes.suffix(size)) : [UInt8](repeating: 0, count: size - bytes.count) + bytes
        }
        do {
            switch curve {
            case PublicArea.curveP256:
                let peer = try P256.KeyAgreement.PublicKey(x963Representation: [4] + pad(x, 32) + pad(y, 32))
                let ephemeral = P256.KeyAgreement.PrivateKey()
                let shared = try ephemeral.sharedSecretFromKeyAgreement(with: peer).withUnsafeBytes { Array($0) }
                let raw = Array(ephemeral.publicKey.rawRepresentation)
                return (shared, Array(raw.prefix(32)), Array(raw.suffix(32)))
            case PublicArea.curveP384:
                let peer = try P384.KeyAgreement.PublicKey(x963Representation: [4] + pad(x, 48) + pad(y, 48))
                let ephemeral = P384.KeyAgreement.PrivateKey()
                let shared = try ephemeral.sharedSecretFromKeyAgreement(with: peer).withUnsafeBytes { Array($0) }
                let raw = Array(ephemeral.publicKey.rawRepresentation)
                return (shared, Array(raw.prefix(48)), Array(raw.suffix(48)))
            default:
                throw TPMError(.unsupported, "MakeCredential: ECC curve 0x\(String(curve, radix: 16)) is not supported (P-256 and P-384 are)")
            }
        } catch let error as TPMError { throw error } catch {
            throw TPMError(.malformedCollateral, "MakeCredential: the EK's ECC point is not on its curve")
        }
    }
}
