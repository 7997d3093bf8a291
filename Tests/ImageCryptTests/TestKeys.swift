import Crypto
import Foundation
import _CryptoExtras

/// A recipient key pair written as PEM files.
struct TestKey {
    let privatePath: String
    let publicPath: String

    enum Kind: String, CaseIterable {
        case rsa, p256, p384, p521
    }

    init(_ kind: Kind, in scratch: Scratch, name: String? = nil) throws {
        let (privatePEM, publicPEM): (String, String)
        switch kind {
        case .rsa:
            let key = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
            (privatePEM, publicPEM) = (key.pemRepresentation, key.publicKey.pemRepresentation)
        case .p256:
            let key = P256.KeyAgreement.PrivateKey()
            (privatePEM, publicPEM) = (key.pemRepresentation, key.publicKey.pemRepresentation)
        case .p384:
            let key = P384.KeyAgreement.PrivateKey()
            (privatePEM, publicPEM) = (key.pemRepresentation, key.publicKey.pemRepresentation)
        case .p521:
            let key = P521.KeyAgreement.PrivateKey()
            (privatePEM, publicPEM) = (key.pemRepresentation, key.publicKey.pemRepresentation)
        }
        let base = name ?? kind.rawValue + "-" + UUID().uuidString.prefix(8)
        privatePath = try scratch.file(base + ".key.pem", privatePEM)
        publicPath = try scratch.file(base + ".pub.pem", publicPEM)
    }

    var publicPEM: String { (try? String(contentsOfFile: publicPath, encoding: .utf8)) ?? "" }
    var privatePEM: String { (try? String(contentsOfFile: privatePath, encoding: .utf8)) ?? "" }
}
