import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import _CryptoExtras

extension PrivateJWK {
    /// Reads a private key from PEM as openssl writes it: PKCS#8 (`PRIVATE KEY`, RSA or EC), PKCS#1
    /// (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) on P-256, P-384 or P-521.
    ///
    /// An RSA key is made for `rsaAlgorithm`; ``withAlgorithm(_:)`` changes that later. An EC key is for
    /// `ECDH-ES+A256KW`. Encrypted PEM is refused.
    ///
    /// - Throws: ``JOSEError`` `.malformed` when the text holds no private key of these kinds.
    public init(pem: String, rsaAlgorithm: KeyManagementAlgorithm = .rsaOAEP) throws {
        guard rsaAlgorithm.isRSA else { throw JOSEError(.keyMismatch, "\(rsaAlgorithm.rawValue) is not an RSA algorithm") }
        if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            throw JOSEError(.malformed, "the PEM private key is encrypted; give it unencrypted (openssl pkey -in KEY -out PLAIN)")
        }
        if let key = try? P256.KeyAgreement.PrivateKey(pemRepresentation: pem) {
            self.init(storage: .ec(.p256(key)), algorithm: .ecdhESA256KW)
        } else if let key = try? P384.KeyAgreement.PrivateKey(pemRepresentation: pem) {
            self.init(storage: .ec(.p384(key)), algorithm: .ecdhESA256KW)
        } else if let key = try? P521.KeyAgreement.PrivateKey(pemRepresentation: pem) {
            self.init(storage: .ec(.p521(key)), algorithm: .ecdhESA256KW)
        } else if let key = try? _RSA.Encryption.PrivateKey(pemRepresentation: pem) {
            self.init(storage: .rsa(RSAKey(key: key)), algorithm: rsaAlgorithm)
        } else {
            throw JOSEError(
                .malformed,
                "not a PEM private key of a supported kind (PKCS#8, PKCS#1 RSA of at least 2048 bits, or SEC1 EC on P-256/P-384/P-521)"
            )
        }
    }

    /// The same key for another algorithm of its family (an RSA key for `RSA-OAEP` or `RSA-OAEP-256`).
    ///
    /// - Throws: ``JOSEError`` `.keyMismatch` when `algorithm` does not fit the key type.
    public func withAlgorithm(_ algorithm: KeyManagementAlgorithm) throws -> PrivateJWK {
        guard algorithm.isRSA == self.algorithm.isRSA else {
            throw JOSEError(.keyMismatch, "this key cannot be used with \(algorithm.rawValue)")
        }
        return PrivateJWK(storage: storage, algorithm: algorithm)
    }
}

extension PublicJWK {
    /// Reads a public key from PEM (`PUBLIC KEY`, SubjectPublicKeyInfo, as `openssl pkey -pubout` writes it): an RSA
    /// key for `rsaAlgorithm`, or an EC key on P-256, P-384 or P-521 for `ECDH-ES+A256KW`.
    ///
    /// - Throws: ``JOSEError`` `.malformed` when the text holds no public key of these kinds.
    public init(pem: String, rsaAlgorithm: KeyManagementAlgorithm = .rsaOAEP) throws {
        guard rsaAlgorithm.isRSA else { throw JOSEError(.keyMismatch, "\(rsaAlgorithm.rawValue) is not an RSA algorithm") }
        func coordinates(_ x963: Data, _ curve: EllipticCurve) -> Key {
            let point = [UInt8](x963.dropFirst())
            return .ec(curve: curve, x: Array(point.prefix(curve.coordinateLength)), y: Array(point.suffix(curve.coordinateLength)))
        }
        if let key = try? P256.KeyAgreement.PublicKey(pemRepresentation: pem) {
            self.init(validatedKey: coordinates(key.x963Representation, .p256), algorithm: .ecdhESA256KW)
        } else if let key = try? P384.KeyAgreement.PublicKey(pemRepresentation: pem) {
            self.init(validatedKey: coordinates(key.x963Representation, .p384), algorithm: .ecdhESA256KW)
        } else if let key = try? P521.KeyAgreement.PublicKey(pemRepresentation: pem) {
            self.init(validatedKey: coordinates(key.x963Representation, .p521), algorithm: .ecdhESA256KW)
        } else if let key = try? _RSA.Encryption.PublicKey(pemRepresentation: pem), let primitives = try? key.getKeyPrimitives() {
            let n = Array([UInt8](primitives.modulus).drop { $0 == 0 })
            let e = Array([UInt8](primitives.publicExponent).drop { $0 == 0 })
            try self.init(key: .rsa(n: n, e: e), algorithm: rsaAlgorithm)
        } else {
            throw JOSEError(.malformed, "not a PEM public key of a supported kind (RSA of at least 2048 bits, or EC on P-256/P-384/P-521)")
        }
    }
}
