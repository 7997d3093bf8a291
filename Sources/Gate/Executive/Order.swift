import Crypto
import Rego

/// A well-formed order: a known verb, a noun that passed the verb's schema, and the host's UID.
public struct Order: Sendable {
    /// The verb.
    public let verb: Verb
    /// The noun, the agent API request as a Rego value (the policy's `input`).
    public let noun: Value
    /// The host's id for this order.
    public let uid: UInt64
    /// SHA-256 over the verb code and the noun's bytes as received: what a replayed UID is compared by.
    public let fingerprint: [UInt8]

    init(verb: Verb, noun: Value, uid: UInt64, nounBytes: [UInt8]) {
        self.verb = verb
        self.noun = noun
        self.uid = uid
        var hasher = SHA256()
        hasher.update(data: [UInt8(verb.rawValue >> 8), UInt8(truncatingIfNeeded: verb.rawValue)])
        hasher.update(data: nounBytes)
        fingerprint = Array(hasher.finalize())
    }

    private init(verb: Verb, noun: Value, uid: UInt64, fingerprint: [UInt8]) {
        self.verb = verb
        self.noun = noun
        self.uid = uid
        self.fingerprint = fingerprint
    }

    /// This order with `noun` in its place, for a step behind the gate that completes an accepted order before the
    /// runtime sees it (a sealed secret opened); the uid and the fingerprint stay those of the order as received.
    public func replacingNoun(_ noun: Value) -> Order {
        Order(verb: verb, noun: noun, uid: uid, fingerprint: fingerprint)
    }

    /// The noun's `container_id`, or `nil`.
    public var containerID: String? { noun[.string("container_id")]?.stringValue }
    /// The noun's `exec_id`, or `nil`.
    public var execID: String? { noun[.string("exec_id")]?.stringValue }
}
