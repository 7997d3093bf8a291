#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// The lifetime of an attestation token as the guest reads it: the JWT payload's `exp` and `nbf`, decoded without
/// verifying the signature (the broker verifies the token; the guest only needs to know when to re-attest), as
/// guest-components' token provider does.
public struct AttestationToken: Sendable, Hashable {
    /// The compact JWT.
    public let jwt: String
    /// `exp`, if the token has one.
    public let expiry: Date?
    /// `nbf`, if the token has one.
    public let notBefore: Date?

    /// Reads the payload's time claims.
    ///
    /// - Throws: ``KBSClientError`` when the token is not a three-part JWT with a JSON payload, or a time claim is not
    ///   a number.
    public init(jwt: String) throws {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payloadBytes = Base64.decode(parts[1]), let payload = try? JSONValue(parsing: payloadBytes) else {
            throw KBSClientError(status: 0, type: "", detail: "the attestation token is not a JWT with a JSON payload")
        }
        func time(_ name: String) throws -> Date? {
            switch payload[name] {
            case nil, .null?: return nil
            case .int(let seconds)?: return Date(timeIntervalSince1970: TimeInterval(seconds))
            case .double(let seconds)?: return Date(timeIntervalSince1970: seconds)
            default: throw KBSClientError(status: 0, type: "", detail: "the attestation token's \(name) is not a number")
            }
        }
        self.jwt = jwt
        self.expiry = try time("exp")
        self.notBefore = try time("nbf")
    }

    /// Whether the token can still be presented at `time`, keeping `margin` seconds before `exp`.
    public func isUsable(at time: Date, margin: TimeInterval) -> Bool {
        if let notBefore, time < notBefore { return false }
        guard let expiry else { return true }
        return time.addingTimeInterval(margin) < expiry
    }
}
