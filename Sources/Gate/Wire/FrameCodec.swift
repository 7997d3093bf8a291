/// Encodes and decodes frames; decoding checks the header before trusting any length.
public enum FrameCodec {
    /// The frame's bytes.
    public static func encode(_ frame: Frame) -> [UInt8] {
        var bytes = Frame.magic
        bytes.reserveCapacity(Frame.headerSize + frame.body.count)
        bytes.append(Frame.version)
        bytes.append(frame.kind.rawValue)
        append(UInt64(frame.code), width: 2, to: &bytes)
        append(frame.uid, width: 8, to: &bytes)
        append(UInt64(UInt32(clamping: frame.body.count)), width: 4, to: &bytes)
        bytes.append(contentsOf: frame.body)
        return bytes
    }

    /// A decoded header: everything but the body, and how long the body is.
    public struct Header: Sendable, Hashable {
        /// The frame kind.
        public var kind: Frame.Kind
        /// Verb, status or event code.
        public var code: UInt16
        /// The UID.
        public var uid: UInt64
        /// The body's length, already checked against the limit.
        public var bodyLength: Int
    }

    /// Decodes a header from exactly ``Frame/headerSize`` bytes (or more; the rest is ignored).
    /// - Throws: ``WireError`` for bad magic, version or kind, a body over the limit, or too few bytes.
    public static func decodeHeader(_ bytes: ArraySlice<UInt8>, limits: FrameLimits) throws(WireError) -> Header {
        guard bytes.count >= Frame.headerSize else { throw .truncated(have: bytes.count, need: Frame.headerSize) }
        let base = bytes.startIndex
        guard bytes[base..<base + 4].elementsEqual(Frame.magic) else { throw .badMagic }
        guard bytes[base + 4] == Frame.version else { throw .unsupportedVersion(bytes[base + 4]) }
        guard let kind = Frame.Kind(rawValue: bytes[base + 5]) else { throw .unknownKind(bytes[base + 5]) }
        let code = UInt16(read(bytes, at: base + 6, width: 2))
        let uid = read(bytes, at: base + 8, width: 8)
        let length = UInt32(read(bytes, at: base + 16, width: 4))
        guard Int(length) <= limits.maximumBody else { throw .bodyTooLarge(declared: length, limit: limits.maximumBody) }
        return Header(kind: kind, code: code, uid: uid, bodyLength: Int(length))
    }

    /// Decodes one whole frame from a buffer holding exactly one frame.
    /// - Throws: ``WireError``; a buffer longer or shorter than the frame it declares is `truncated`.
    public static func decode(_ bytes: [UInt8], limits: FrameLimits = FrameLimits()) throws(WireError) -> Frame {
        let header = try decodeHeader(bytes[...], limits: limits)
        let need = Frame.headerSize + header.bodyLength
        guard bytes.count == need else { throw .truncated(have: bytes.count, need: need) }
        return Frame(kind: header.kind, code: header.code, uid: header.uid, body: Array(bytes[Frame.headerSize...]))
    }

    private static func append(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func read(_ bytes: ArraySlice<UInt8>, at start: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in start..<start + width { value = value << 8 | UInt64(bytes[index]) }
        return value
    }
}
