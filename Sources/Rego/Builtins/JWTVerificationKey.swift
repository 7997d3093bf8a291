import Crypto
import _CryptoExtras
import SwiftASN1

/// A public key that can check a JWS signature, read from what `io.jwt.verify_*` and `io.jwt.decode_verify` accept:
/// a PEM certificate, a PEM public key, a JWK, or a JWK set.
enum JWTVerificationKey: Sendable {
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)
    case p521(P521.Signing.PublicKey)
    case rsa(_RSA.Signing.PublicKey)
    case ed25519(Curve25519.Signing.PublicKey)

    /// Every key in `text`. JSON text is a JWK or a JWK set; anything else must be PEM.
    static func keys(from text: String) throws(BuiltinError) -> [JWTVerificationKey] {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        if trimmed.hasPrefix("{") {
            let value: Value
            do {
                value = try JSONReader.parse(text)
            } catch {
                throw BuiltinError.failure("failed to parse a JWK key (set): \(error)")
            }
            guard case .object(let object) = value else { throw BuiltinError.failure("a JWK must be a JSON object") }
            if case .array(let members)? = object["keys"] {
                return try members.map { member throws(BuiltinError) in
                    guard case .object(let jwk) = member else { throw BuiltinError.failure("a JWK must be a JSON object") }
                    return try key(jwk: jwk)
                }
            }
            return [try key(jwk: object)]
        }
        return [try key(pem: String(trimmed))]
    }

    // MARK: PEM

    private static func key(pem: String) throws(BuiltinError) -> JWTVerificationKey {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pem)
        } catch {
            throw BuiltinError.failure("failed to find a PEM certificate, public key or JWK in the key")
        }
        switch document.discriminator {
        case "CERTIFICATE":
            return try key(subjectPublicKeyInfo: try subjectPublicKeyInfo(ofCertificate: document.derBytes))
        case "PUBLIC KEY":
            return try key(subjectPublicKeyInfo: document.derBytes)
        case "RSA PUBLIC KEY":
            guard let rsa = try? _RSA.Signing.PublicKey(derRepresentation: document.derBytes) else {
                throw BuiltinError.failure("failed to parse a PKCS#1 RSA public key")
            }
            return .rsa(rsa)
        default:
            throw BuiltinError.failure("unsupported PEM type \(document.discriminator)")
        }
    }

    /// The DER `SubjectPublicKeyInfo` of an X.509 certificate: the seventh element of `tbsCertificate` when it has
    /// an explicit version, else the sixth (RFC 5280 §4.1).
    private static func subjectPublicKeyInfo(ofCertificate der: [UInt8]) throws(BuiltinError) -> [UInt8] {
        do {
            let certificate = try DER.parse(der)
            guard case .constructed(let outer) = certificate.content, let tbs = outer.first(where: { _ in true }),
                  case .constructed(let fields) = tbs.content else {
                throw BuiltinError.failure("failed to parse the certificate")
            }
            var elements = Array(fields)
            if let first = elements.first, first.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                elements.removeFirst()
            }
            guard elements.count > 5 else { throw BuiltinError.failure("failed to parse the certificate") }
            return Array(elements[5].encodedBytes)
        } catch let error as BuiltinError {
            throw error
        } catch {
            throw BuiltinError.failure("failed to parse the certificate: \(error)")
        }
    }

    private static func key(subjectPublicKeyInfo der: [UInt8]) throws(BuiltinError) -> JWTVerificationKey {
        if let key = try? P256.Signing.PublicKey(derRepresentation: der) { return .p256(key) }
        if let key = try? P384.Signing.PublicKey(derRepresentation: der) { return .p384(key) }
        if let key = try? P521.Signing.PublicKey(derRepresentation: der) { return .p521(key) }
        if let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: der) { return .rsa(key) }
        // Ed25519 (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING key }.
        let ed25519Prefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
        if der.count == 44, Array(der.prefix(12)) == ed25519Prefix,
           let key = try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32)) {
            return .ed25519(key)
        }
        throw BuiltinError.failure("unsupported or malformed public key")
    }

    // MARK: JWK (RFC 7517, 7518 §6, 8037)

    private static func key(jwk: ObjectValue) throws(BuiltinError) -> JWTVerificationKey {
        func member(_ name: String) throws(BuiltinError) -> [UInt8] {
            guard case .string(let text)? = jwk[.string(name)] else {
                throw BuiltinError.failure("JWK is missing its \(name) member")
            }
            do {
                return try Base64Codec.decodeURLPaddingIfNeeded(text)
            } catch {
                throw BuiltinError.failure("JWK member \(name) is not base64url: \(error.message)")
            }
        }
        guard case .string(let keyType)? = jwk["kty"] else { throw BuiltinError.failure("JWK is missing its kty member") }
        let curve: String? = if case .string(let name)? = jwk["crv"] { name } else { nil }
        do {
            switch (keyType, curve) {
            case ("EC", "P-256"?): return .p256(try P256.Signing.PublicKey(rawRepresentation: try member("x") + member("y")))
            case ("EC", "P-384"?): return .p384(try P384.Signing.PublicKey(rawRepresentation: try member("x") + member("y")))
            case ("EC", "P-521"?): return .p521(try P521.Signing.PublicKey(rawRepresentation: try member("x") + member("y")))
            case ("RSA", _): return .rsa(try _RSA.Signing.PublicKey(n: try member("n"), e: try member("e")))
            case ("OKP", "Ed25519"?): return .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: try member("x")))
            default: throw BuiltinError.failure("unsupported JWK key type \(keyType)\(curve.map { " on \($0)" } ?? "")")
            }
        } catch let error as BuiltinError {
            throw error
        } catch {
            throw BuiltinError.failure("malformed JWK: \(error)")
        }
    }

    // MARK: verification

    /// Whether `signature` over `message` is valid for the JWS algorithm `algorithm` under this key. A key of
    /// another type than the algorithm needs is not valid for it.
    func isValidSignature(_ signature: [UInt8], for message: [UInt8], algorithm: String) -> Bool {
        switch (self, algorithm) {
        case (.p256(let key), "ES256"):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: message))
        case (.p384(let key), "ES384"):
            guard let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA384.hash(data: message))
        case (.p521(let key), "ES512"):
            guard let parsed = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA512.hash(data: message))
        case (.rsa(let key), _) where algorithm.hasPrefix("RS") || algorithm.hasPrefix("PS"):
            let padding: _RSA.Signing.Padding = algorithm.hasPrefix("RS") ? .insecurePKCS1v1_5 : .PSS
            let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm.dropFirst(2) {
            case "256": return key.isValidSignature(parsed, for: SHA256.hash(data: message), padding: padding)
            case "384": return key.isValidSignature(parsed, for: SHA384.hash(data: message), padding: padding)
            case "512": return key.isValidSignature(parsed, for: SHA512.hash(data: message), padding: padding)
            default: return false
            }
        case (.ed25519(let key), "EdDSA"):
            return key.isValidSignature(signature, for: message)
        default:
            return false
        }
    }
}
