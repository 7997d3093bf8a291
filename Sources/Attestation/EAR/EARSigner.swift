import Crypto
import Foundation
import HermeticCore
import JWTKit

/// The JWT payload of an EAR token: any JSON object. Signature checks are jwt-kit's; time checks are
/// ``EARTokenVerifier``'s, at an explicit instant.
struct EARPayload: JWTPayload {
    var claims: JSONValue

    init(claims: JSONValue) { self.claims = claims }
    init(from decoder: any Decoder) throws { claims = try JSONValue(from: decoder) }
    func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Issues EAR tokens: ES256 JWTs whose header carries the public key as `jwk`, as Trustee's token broker does.
public struct EARSigner: Sendable {
    private let key: P256.Signing.PrivateKey
    private let keys: JWTKeyCollection

    /// A signer with `key`, or a fresh key (valid for this process only) when `nil`.
    public init(key: P256.Signing.PrivateKey? = nil) async {
        let key = key ?? P256.Signing.PrivateKey()
        self.key = key
        let collection = JWTKeyCollection()
        // The conversion cannot fail: the key is a valid P-256 key.
        if let jwtKey = try? ES256PrivateKey(backing: key) {
            await collection.add(ecdsa: jwtKey, serializer: DefaultJWTSerializer(jsonEncoder: EARJSONEncoder()))
        }
        keys = collection
    }

    /// A signer with the PEM (PKCS#8 or SEC1) P-256 private key in `pem`.
    ///
    /// - Throws: ``EARError`` `.signingKey` when the text is not a P-256 private key.
    public init(pem: String) async throws {
        do {
            await self.init(key: try P256.Signing.PrivateKey(pemRepresentation: pem))
        } catch {
            throw EARError(.signingKey, "the EAR signing key is not a P-256 private key in PEM")
        }
    }

    /// The public key.
    public var publicKey: P256.Signing.PublicKey { key.publicKey }

    /// The public key as a JWK (`kty`, `crv`, `x`, `y`, `alg`).
    public var publicJWK: JSONValue { Self.jwk(of: key.publicKey) }

    /// The JWKS relying parties fetch to verify tokens (`/.well-known/jwks.json`).
    public var jwks: JSONValue { .object(["keys": .array([publicJWK])]) }

    /// Signs `claims`.
    ///
    /// - Throws: ``EARError`` `.signingKey` when signing fails.
    public func sign(_ claims: EARClaims) async throws -> String {
        try await sign(json: claims.json)
    }

    /// Signs any JSON object as the payload (tests use it to forge variants).
    public func sign(json: JSONValue) async throws -> String {
        var header = JWTHeader()
        header.typ = "JWT"
        header.jwk = Self.headerJWK(publicJWK)
        do {
            return try await keys.sign(EARPayload(claims: json), header: header)
        } catch {
            throw EARError(.signingKey, "ES256 signing failed: \(error)")
        }
    }

    static func jwk(of key: P256.Signing.PublicKey) -> JSONValue {
        let point = [UInt8](key.x963Representation.dropFirst())
        return .object([
            "kty": .string("EC"), "crv": .string("P-256"), "alg": .string("ES256"),
            "x": .string(Base64.encodeURL(point.prefix(32))), "y": .string(Base64.encodeURL(point.suffix(32))),
        ])
    }

    private static func headerJWK(_ jwk: JSONValue) -> [String: JWTHeaderField] {
        var fields: [String: JWTHeaderField] = [:]
        for (name, value) in jwk.objectValue ?? [:] {
            if let text = value.stringValue { fields[name] = .string(text) }
        }
        return fields
    }
}
