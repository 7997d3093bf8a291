import Crypto
import Foundation
import HermeticCore
import JWTKit

/// Verifies EAR tokens against trusted ES256 public keys (never against a key the token itself carries), then
/// checks `exp` and `iat` at an explicit instant.
///
/// With a ``VerifiedTokenCache``, a token verified once (or remembered at issuance) is not verified again; its
/// time checks still run on every use.
public struct EARTokenVerifier: Sendable {
    private let keys: JWTKeyCollection
    private let cache: VerifiedTokenCache?

    /// A verifier that trusts `publicKeys`, remembering verified tokens in `cache` when one is given.
    public init(trusting publicKeys: [P256.Signing.PublicKey], cache: VerifiedTokenCache? = nil) async {
        self.cache = cache
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
        let claims: JSONValue
        if let cached = cache?.claims(of: token) {
            claims = cached
        } else {
            do {
                claims = try await keys.verify(token, as: EARPayload.self, iteratingKeys: true).claims
            } catch {
                throw EARError(.invalidToken, "the token is malformed or not signed by this broker's EAR key")
            }
            guard case .object = claims else { throw EARError(.invalidToken, "the token payload is not a JSON object") }
        }
        guard let exp = claims["exp"]?.intValue else { throw EARError(.invalidToken, "the token has no exp claim") }
        guard Double(exp) > time.timeIntervalSince1970 else {
            throw EARError(.expired, "the token expired at \(Date(timeIntervalSince1970: Double(exp)))")
        }
        if let iat = claims["iat"]?.intValue, Double(iat) > time.timeIntervalSince1970 + leeway {
            throw EARError(.expired, "the token is issued in the future")
        }
        cache?.insert(token, claims: claims, now: time)
        return claims
    }

    /// Remembers a token this process has just signed, so its first use skips verification. The claims are read
    /// back from the token's own payload, exactly as verification would read them.
    ///
    /// Does nothing without a cache, or when the token is not a JWT with a JSON object payload.
    public func remember(issued token: String, at time: Date) {
        guard let cache else { return }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64.decode(parts[1]),
              let claims = try? JSONValue(parsing: payload), case .object = claims else { return }
        cache.insert(token, claims: claims, now: time)
    }
}
