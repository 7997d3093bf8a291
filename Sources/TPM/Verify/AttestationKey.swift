import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI
import _CryptoExtras

/// The public key that signs quotes: RSA (2048 bits or more), ECDSA P-256 or P-384.
///
/// It comes from a SubjectPublicKeyInfo (PEM or DER), a TPM2B_PUBLIC/TPMT_PUBLIC, or an AK certificate; keys
/// compare by their SubjectPublicKeyInfo DER.
public struct AttestationKey: Sendable, Hashable {
    /// The key.
    public let key: PKI.PublicKey
    /// The SubjectPublicKeyInfo DER.
    public let spki: [UInt8]
    /// The TPM public area, when the key came as one.
    public let publicArea: PublicArea?

    /// Reads an SPKI from DER.
    ///
    /// - Throws: ``TPMError`` (`collateral_format`) when the DER is not a supported public key.
    public init(spki der: [UInt8]) throws {
        do { key = try PKI.PublicKey(subjectPublicKeyInfo: der[...]) } catch {
            throw TPMError(.malformedCollateral, "attestation key: \(error)")
        }
        spki = der
        publicArea = nil
    }

    /// Reads a TPM public area (TPM2B_PUBLIC or TPMT_PUBLIC).
    ///
    /// - Throws: ``TPMError`` when the structure does not parse or its key is not supported.
    public init(publicArea area: PublicArea) throws {
        publicArea = area
        switch area.key {
        case .rsa(let modulus, let exponent):
            let e = withUnsafeBytes(of: exponent.bigEndian) { Array($0).drop { $0 == 0 } }
            do {
                let rsa = try _RSA.Signing.PublicKey(n: modulus, e: Array(e))
                key = .rsa(rsa)
                spki = Array(rsa.derRepresentation)
            } catch { throw TPMError(.unsupported, "attestation key: RSA modulus of \(modulus.count * 8) bits is not accepted: \(error)") }
        case .ecc(let curve, let x, let y):
            do {
                switch curve {
                case PublicArea.curveP256:
                    let p = try P256.Signing.PublicKey(x963Representation: [4] + Self.pad(x, 32) + Self.pad(y, 32))
                    key = .p256(p)
                    spki = Array(p.derRepresentation)
                case PublicArea.curveP384:
                    let p = try P384.Signing.PublicKey(x963Representation: [4] + Self.pad(x, 48) + Self.pad(y, 48))
                    key = .p384(p)
                    spki = Array(p.derRepresentation)
                default: throw TPMError(.unsupported, "attestation key: ECC curve 0x\(String(curve, radix: 16)) is not supported (P-256 and P-384 are)")
                }
            } catch let error as TPMError { throw error } catch {
                throw TPMError(.malformedCollateral, "attestation key: the ECC point is not on its curve")
            }
        }
    }

    /// Reads a key file as users have it: SPKI PEM (`PUBLIC KEY`) or DER, or TPM2B_PUBLIC/TPMT_PUBLIC.
    ///
    /// - Throws: ``TPMError`` (`collateral_format`) when the bytes are none of these.
    public init(file bytes: [UInt8]) throws {
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN PUBLIC KEY-----") {
            guard let der = try? PEMFile.derDocuments(in: bytes, labels: ["PUBLIC KEY"]).first else {
                throw TPMError(.malformedCollateral, "attestation key: the PEM does not parse")
            }
            try self.init(spki: der)
        } else if bytes.first == 0x30, let key = try? AttestationKey(spki: bytes) {
            self = key
        } else {
            do { try self.init(publicArea: try PublicArea(bytes: bytes)) } catch {
                throw TPMError(.malformedCollateral, "attestation key is neither a SubjectPublicKeyInfo (PEM/DER) nor a TPM2B_PUBLIC: \(error)")
            }
        }
    }

    private static func pad(_ bytes: [UInt8], _ size: Int) -> [UInt8] {
        bytes.count >= size ? Array(bytes.suffix(size)) : [UInt8](repeating: 0, count: size - bytes.count) + bytes
    }

    /// Whether `signature` is a valid signature by this key over `message`, with the signature's own hash.
    ///
    /// RSASSA-PKCS1-v1_5 and RSA-PSS (salt of the hash size, as TPM 2.0 since revision 1.38 signs) with SHA-1,
    /// SHA-256, SHA-384 or SHA-512; ECDSA over P-256 and P-384.
    public func verifies(_ signature: Signature, over message: [UInt8]) -> Bool {
        switch (key, signature.value) {
        case (.rsa(let rsa), .rsassa(let sig)):
            return Self.rsa(rsa, sig, message, hash: signature.hash, padding: .insecurePKCS1v1_5)
        case (.rsa(let rsa), .rsapss(let sig)):
            return Self.rsa(rsa, sig, message, hash: signature.hash, padding: .PSS)
        case (.p256(let p), .ecdsa(let r, let s)):
            guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: Self.pad(r, 32) + Self.pad(s, 32)) else { return false }
            switch signature.hash {
            case .sha256: return p.isValidSignature(sig, for: SHA256.hash(data: message))
            case .sha384: return p.isValidSignature(sig, for: SHA384.hash(data: message))
            case .sha1: return p.isValidSignature(sig, for: Insecure.SHA1.hash(data: message))
            default: return false
            }
        case (.p384(let p), .ecdsa(let r, let s)):
            guard let sig = try? P384.Signing.ECDSASignature(rawRepresentation: Self.pad(r, 48) + Self.pad(s, 48)) else { return false }
            switch signature.hash {
            case .sha256: return p.isValidSignature(sig, for: SHA256.hash(data: message))
            case .sha384: return p.isValidSignature(sig, for: SHA384.hash(data: message))
            default: return false
            }
        default:
            return false
        }
    }

    private static func rsa(_ key: _RSA.Signing.PublicKey, _ sig: [UInt8], _ message: [UInt8], hash: TPMAlgorithm, padding: _RSA.Signing.Padding) -> Bool {
        let signature = _RSA.Signing.RSASignature(rawRepresentation: sig)
        switch hash {
        case .sha1: return key.isValidSignature(signature, for: Insecure.SHA1.hash(data: message), padding: padding)
        case .sha256: return key.isValidSignature(signature, for: SHA256.hash(data: message), padding: padding)
        case .sha384: return key.isValidSignature(signature, for: SHA384.hash(data: message), padding: padding)
        case .sha512: return key.isValidSignature(signature, for: SHA512.hash(data: message), padding: padding)
        default: return false
        }
    }

    public static func == (lhs: AttestationKey, rhs: AttestationKey) -> Bool { lhs.spki == rhs.spki }
    public func hash(into hasher: inout Hasher) { hasher.combine(spki) }
}
