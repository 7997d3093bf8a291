import Foundation

/// One RCAR session as the store keeps it, so that any replica serves any step.
public struct SessionRecord: Sendable, Hashable, Codable {
    /// Where the session is in the protocol.
    public enum State: String, Sendable, Hashable, Codable {
        /// The challenge was issued; the nonce is unused.
        case authed
        /// An attestation consumed the nonce; verification is under way or failed.
        case consumed
        /// The attestation succeeded; ``SessionRecord/token`` is set.
        case attested
    }

    /// The `kbs-session-id` cookie value (32 lowercase hex digits).
    public var id: String
    /// The protocol version the guest asked for at auth.
    public var version: String
    /// The TEE the guest declared at auth.
    public var tee: String
    /// The challenge nonce (base64 with padding), single use.
    public var nonce: String
    /// When the session was created.
    public var createdAt: Date
    /// When it expires (fixed at auth, as in Trustee).
    public var expiresAt: Date
    /// The state.
    public var state: State
    /// The EAR token once attested.
    public var token: String?
    /// What the attester must prove at attest beyond the nonce, fixed at auth (for `tpm` with EK binding: the bound
    /// AK and the digest of the credential secret, as JSON). Stored with the session so any replica serves attest.
    public var binding: String?

    /// Creates a record.
    public init(id: String, version: String, tee: String, nonce: String, createdAt: Date, expiresAt: Date, state: State = .authed, token: String? = nil,
                binding: String? = nil) {
        self.id = id
        self.version = version
        self.tee = tee
        self.nonce = nonce
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.state = state
        self.token = token
        self.binding = binding
    }
}
