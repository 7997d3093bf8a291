import Crypto
import Foundation
import HermeticCore
import JWTKit

/// Verifies EAR tokens against trusted ES256 public keys (never against a key the token itself carries), then
/// checks `exp` and `iat` at an explicit instant.
public struct EARTokenVerifier: Sendable {
    private let keys: JWTKeyCollection

    /// A verifier that trusts `publicKeys`.
    public init(trusting publicKeys: [P256.Signing.PublicKey]) async {
        let parser = DefaultJWTParser(jsonDecoder: EARJSONDecoder())
        let collection = JWTKeyCollection(defaultJWTParser: parser)
        for (index, key) in publicKeys.enumerated() {
            if let jwtKey = try? ES256PublicKey(backing: key) {
                await collection.add(ecdsa: jwtKey, kid: JWKIdentifier(string: "key\(index)"), parser: parser)
            }
        }
        keys = collection
    }

    /// Verifies `token` and returns its claims.
    ///
    /// - Parameters:
    ///   - token: the compact JWT.
    ///   - time: the instant at which `exp` must not have passed.
    ///   - leeway: tolerated clock skew for `iat`.
    /// - Throws: ``EARError`` `.invalidToken` for a malformed or badly signed token, `.expired` for one out of date.
    public func verify(_ token: String, at time: Date, leeway: TimeInterval = 60) async throws -> JSONValue {
        let payload: EARPayload
        do {
            payload = try await keys.verify(token, as: EARPayload.self, iteratingKeys: true)
        } catch {
            throw EARError(.invalidToken, "the token is malformed or not signed by this broker's EAR key")
        }
        let claims = payload.claims
        guard case .object = claims else { throw EARError(.invalidToken, "the token payload is not a JSON object") }
        guard let exp = claims["exp"]?.intValue else { throw EARError(.invalidToken, "the token has no exp claim") }
        guard Double(exp) > time.timeIntervalSince1970 else {
            throw EARError(.expired, "the token expired at \(Date(timeIntervalSince1970: Double(exp)))")
        }
        if let iat = claims["iat"]?.intValue, Double(iat) > time.timeIntervalSince1970 + leeway {
            throw EARError(.expired, "the token is issued in the future")
        }
        return claims
    }
}
