import Crypto
import HermeticCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ECDH on the three NIST curves, reduced to what ECDH-ES needs: raw shared secrets and fixed-length coordinates.
enum ECDH {
    /// A private key on one of the curves.
    enum PrivateKey: Sendable {
        case p256(P256.KeyAgreement.PrivateKey)
        case p384(P384.KeyAgreement.PrivateKey)
        case p521(P521.KeyAgreement.PrivateKey)

        /// A fresh key on `curve`, from a uniform random scalar without the per-key self-check
        /// (``SecureRandom/privateKey(orderBits:_:)``): a broker's ephemeral key, or a guest's TEE key for one session.
        static func generate(_ curve: EllipticCurve) -> PrivateKey {
            switch curve {
            case .p256: .p256(SecureRandom.privateKey(orderBits: 256) { try P256.KeyAgreement.PrivateKey(rawRepresentation: $0) })
            case .p384: .p384(SecureRandom.privateKey(orderBits: 384) { try P384.KeyAgreement.PrivateKey(rawRepresentation: $0) })
            case .p521: .p521(SecureRandom.privateKey(orderBits: 521) { try P521.KeyAgreement.PrivateKey(rawRepresentation: $0) })
            }
        }

        var curve: EllipticCurve {
            switch self {
            case .p256: .p256
            case .p384: .p384
            case .p521: .p521
            }
        }

        /// The public point as (x, y), each of the curve's coordinate length.
        var publicCoordinates: (x: [UInt8], y: [UInt8]) {
            let x963: Data = switch self {
            case .p256(let key): key.publicKey.x963Representation
            case .p384(let key): key.publicKey.x963Representation
            case .p521(let key): key.publicKey.x963Representation
            }
            let length = curve.coordinateLength
            let point = [UInt8](x963.dropFirst())
            return (Array(point.prefix(length)), Array(point.suffix(length)))
        }

        /// The raw shared secret (the x coordinate of the product) with the peer point (x, y).
        ///
        /// - Throws: ``JOSEError`` `.keyMismatch` for a point on another curve, `.malformed` for a point not on it.
        func sharedSecret(curve peerCurve: EllipticCurve, x: [UInt8], y: [UInt8]) throws -> [UInt8] {
            guard peerCurve == curve else {
                throw JOSEError(.keyMismatch, "the peer key is on \(peerCurve.rawValue), this key on \(curve.rawValue)")
            }
            let x963 = [0x04] + x + y
            do {
                let secret: SharedSecret = switch self {
                case .p256(let key): try key.sharedSecretFromKeyAgreement(with: P256.KeyAgreement.PublicKey(x963Representation: x963))
                case .p384(let key): try key.sharedSecretFromKeyAgreement(with: P384.KeyAgreement.PublicKey(x963Representation: x963))
                case .p521(let key): try key.sharedSecretFromKeyAgreement(with: P521.KeyAgreement.PublicKey(x963Representation: x963))
                }
                return secret.withUnsafeBytes { [UInt8]($0) }
            } catch {
                throw JOSEError(.malformed, "the \(peerCurve.rawValue) point is not on the curve")
            }
        }
    }
}
