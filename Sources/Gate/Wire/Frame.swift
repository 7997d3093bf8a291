/// One frame of the gate's wire format.
///
/// Layout (all integers big-endian), 20 header bytes then the body:
///
/// | bytes | field |
/// |---|---|
/// | 0–3 | magic `HGAT` |
/// | 4 | version (1) |
/// | 5 | kind (``Kind``) |
/// | 6–7 | code: the verb for an order, the status for a reply, the event code for a doorbell, 0 for a poll |
/// | 8–15 | UID (the host's id for the order; 0 in a doorbell) |
/// | 16–19 | body length, at most ``FrameLimits/maximumBody`` |
///
/// Only orders carry a body (the noun, the agent API request as JSON); replies, polls and doorbells carry none, so
/// nothing but a status and a UID the host sent ever leaves the guest.
public struct Frame: Sendable, Hashable {
    /// What a frame is.
    public enum Kind: UInt8, Sendable, Hashable {
        /// Host to guest: (VERB, NOUN, UID).
        case order = 1
        /// Host to guest: the status of the order with this UID, please.
        case poll = 2
        /// Guest to host: (STATUS, UID).
        case reply = 3
        /// Guest to host: something happened; poll. Carries only an event code.
        case doorbell = 4
    }

    /// The four magic bytes, `HGAT`.
    public static let magic: [UInt8] = Array("HGAT".utf8)
    /// The format version this code speaks.
    public static let version: UInt8 = 1
    /// The header's size in bytes.
    public static let headerSize = 20

    /// The frame's kind.
    public var kind: Kind
    /// Verb, status or event code, by kind.
    public var code: UInt16
    /// The order's UID.
    public var uid: UInt64
    /// The body (an order's noun).
    public var body: [UInt8]

    /// A frame.
    public init(kind: Kind, code: UInt16, uid: UInt64, body: [UInt8] = []) {
        self.kind = kind
        self.code = code
        self.uid = uid
        self.body = body
    }

    /// An order frame.
    public static func order(_ verb: Verb, uid: UInt64, noun: [UInt8]) -> Frame {
        Frame(kind: .order, code: verb.rawValue, uid: uid, body: noun)
    }

    /// A reply frame.
    public static func reply(_ status: GateStatus, uid: UInt64) -> Frame {
        Frame(kind: .reply, code: status.rawValue, uid: uid)
    }

    /// A poll frame.
    public static func poll(uid: UInt64) -> Frame { Frame(kind: .poll, code: 0, uid: uid) }
}

/// The sizes a gate accepts.
public struct FrameLimits: Sendable, Hashable {
    /// The largest body accepted, in bytes.
    public var maximumBody: Int

    /// Limits; the default body limit is 1 MiB (a CreateContainer noun is a few KiB; CopyFile chunks are smaller).
    public init(maximumBody: Int = 1 << 20) { self.maximumBody = maximumBody }
}
