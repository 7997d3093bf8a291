/// Why bytes are not a frame.
public enum WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The first four bytes are not `HGAT`.
    case badMagic
    /// A version this code does not speak.
    case unsupportedVersion(UInt8)
    /// A kind byte that names no frame kind.
    case unknownKind(UInt8)
    /// The declared body length exceeds the limit.
    case bodyTooLarge(declared: UInt32, limit: Int)
    /// The stream ended inside a frame.
    case truncated(have: Int, need: Int)
    /// A frame kind the receiver does not accept in this direction (a host sending a reply, say).
    case unexpectedKind(Frame.Kind)

    public var description: String {
        switch self {
        case .badMagic: "frame: bad magic (want HGAT)"
        case .unsupportedVersion(let v): "frame: unsupported version \(v) (this gate speaks 1)"
        case .unknownKind(let k): "frame: unknown kind \(k)"
        case .bodyTooLarge(let declared, let limit): "frame: body of \(declared) bytes exceeds the limit of \(limit)"
        case .truncated(let have, let need): "frame: truncated (\(have) of \(need) bytes)"
        case .unexpectedKind(let kind): "frame: unexpected kind \(kind)"
        }
    }
}
