import Crypto
import Foundation
import JWTKit

/// The claims an admin token must carry: `exp` (checked) and `role`.
struct AdminClaims: JWTPayload {
    var exp: ExpirationClaim
    var role: String?
    var sub: SubjectClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Checks admin calls: `Authorization: Bearer <JWT>` signed by one of the configured keys (EdDSA Ed25519 or ES256
/// P-256), unexpired, with a `role` that has the endpoint's ``AdminPermission`` in the role table (``AdminRoles``).
/// With no key configured every admin call is refused, unless the broker runs with the explicit insecure switch.
public struct AdminAuthenticator: Sendable {
    /// Which permissions each role has.
    public let roles: AdminRoles
    private let keys: JWTKeyCollection
    /// How many keys are configured.
    public let keyCount: Int
    private let insecure: Bool

    /// Creates an authenticator from PEM public keys (Ed25519 or P-256, SubjectPublicKeyInfo).
    ///
    /// - Parameters:
    ///   - publicKeysPEM: the admin public keys.
    ///   - roles: the role table (``AdminRoles/defaults`` unless configured).
    ///   - insecure: allow everything when no key is configured (development only).
    /// - Throws: ``KBSError`` `AdminAuthInitialization` for a key that is neither Ed25519 nor P-256.
    public init(publicKeysPEM: [String], roles: AdminRoles = .defaults, insecure: Bool = false) async throws {
        let collection = JWTKeyCollection()
        for (index, pem) in publicKeysPEM.enumerated() {
            let kid = JWKIdentifier(string: "admin\(index)")
            if let key = try? EdDSA.PublicKey(pem: pem) {
                await collection.add(eddsa: key, kid: kid)
            } else if let key = try? ES256PublicKey(pem: pem) {
                await collection.add(ecdsa: key, kid: kid)
            } else {
                throw KBSError(.adminAuthInitialization, "admin public key \(index + 1) is neither an Ed25519 nor a P-256 public key in PEM")
            }
        }
        keys = collection
        keyCount = publicKeysPEM.count
        self.roles = roles
        self.insecure = insecure
    }

    /// Authorises an admin request for one permission.
    ///
    /// - Parameters:
    ///   - bearerToken: the token from the `Authorization` header, if any.
    ///   - permission: what the endpoint needs.
    ///   - variant: the error variant to report (Trustee reports plugin admin calls as `AdminAuthInitialization`).
    /// - Returns: the subject, for the audit log.
    /// - Throws: ``KBSError`` (401, as Trustee answers an ACL denial) naming what is missing or wrong: no token, a bad
    ///   or expired token, no role, a role not in the table, or the permission the role lacks.
    public func authorize(bearerToken: String?, permission: AdminPermission, variant: KBSError.Variant = .adminAuthAccess) async throws -> String {
        if keyCount == 0 {
            if insecure { return "insecure-admin" }
            throw KBSError(variant, "the admin API is disabled: no admin public key is configured (--admin-public-key), and --insecure-admin is not set")
        }
        guard let bearerToken else {
            throw KBSError(variant, "admin call without an Authorization: Bearer token")
        }
        let claims: AdminClaims
        do {
            claims = try await keys.verify(bearerToken, as: AdminClaims.self, iteratingKeys: true)
        } catch {
            throw KBSError(variant, "the admin token is malformed or not signed by a configured admin key")
        }
        guard claims.exp.value > Date() else {
            throw KBSError(variant, "the admin token has expired")
        }
        guard let role = claims.role else {
            throw KBSError(variant, "the admin token has no role claim")
        }
        guard let granted = roles.permissions[role] else {
            throw KBSError(variant, "the admin token's role \"\(role.prefix(64))\" is not configured (roles: \(roles.permissions.keys.sorted().joined(separator: ", ")))")
        }
        guard granted.contains(permission) else {
            throw KBSError(variant, "admin access denied: role \"\(role)\" lacks the permission \(permission.rawValue) (\(permission.summary))")
        }
        return claims.sub?.value ?? role
    }
}

/// Makes admin tokens (for the CLI and tests): a JWT with `role`, `sub` and `exp`, signed with an Ed25519 or P-256
/// private key.
public enum AdminToken {
    /// Signs a token.
    ///
    /// - Parameters:
    ///   - privateKeyPEM: an Ed25519 or P-256 private key (PKCS#8 PEM).
    ///   - role: the role claim.
    ///   - lifetime: seconds until `exp`.
    /// - Throws: ``KBSError`` `AdminAuthInitialization` when the key is neither.
    public static func make(privateKeyPEM: String, role: String = "admin", subject: String = "admin", lifetime: TimeInterval = 3600, now: Date = Date()) async throws -> String {
        let collection = JWTKeyCollection()
        if let key = try? EdDSA.PrivateKey(pem: privateKeyPEM) {
            await collection.add(eddsa: key)
        } else if let key = try? ES256PrivateKey(pem: privateKeyPEM) {
            await collection.add(ecdsa: key)
        } else {
            throw KBSError(.adminAuthInitialization, "the admin private key is neither an Ed25519 nor a P-256 private key in PEM")
        }
        let claims = AdminClaims(exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)), role: role, sub: SubjectClaim(value: subject))
        do {
            return try await collection.sign(claims)
        } catch {
            throw KBSError(.adminAuthInitialization, "cannot sign the admin token: \(error)")
        }
    }
}
