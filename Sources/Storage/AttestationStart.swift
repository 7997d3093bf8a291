import Foundation

/// The outcome of claiming a session's nonce for an attestation (``BrokerStore/beginAttestation(sessionID:now:)``).
public enum AttestationStart: Sendable, Hashable {
    /// The nonce was unused and is now consumed by this caller; `generation` is the store's configuration generation
    /// read in the same transaction.
    case started(SessionRecord, generation: Int64)
    /// No session has this id.
    case unknownSession
    /// The session expired before `now`; its nonce was not consumed.
    case expired(SessionRecord)
    /// The nonce was already consumed, by an earlier attestation on this or another replica.
    case nonceAlreadyUsed(SessionRecord)
}

/// A session read together with the configuration generation (``BrokerStore/sessionSnapshot(id:)``).
public struct SessionSnapshot: Sendable, Hashable {
    /// The session, or `nil` when no session has the id.
    public var session: SessionRecord?
    /// The store's configuration generation at the read.
    public var generation: Int64

    /// Creates a snapshot.
    public init(session: SessionRecord?, generation: Int64) {
        self.session = session
        self.generation = generation
    }
}
