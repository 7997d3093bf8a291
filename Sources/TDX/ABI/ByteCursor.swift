/// A bounds-checked little-endian reader over quote bytes: every read names the field, so a truncated quote
/// fails with the field that did not fit rather than a trap.
struct ByteCursor {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], from offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - offset }

    mutating func take(_ count: Int, _ field: String) throws -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw TDXError(.malformedQuote, "\(field) needs \(count) bytes at offset \(offset), only \(max(remaining, 0)) remain")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u16(_ field: String) throws -> UInt16 {
        let b = try take(2, field)
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    mutating func u32(_ field: String) throws -> UInt32 {
        let b = try take(4, field)
        return b.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }

    mutating func u64(_ field: String) throws -> UInt64 {
        let b = try take(8, field)
        return b.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
    }
}

extension Array where Element == UInt8 {
    /// The bytes read as a little-endian integer (up to eight bytes).
    var littleEndianValue: UInt64 {
        enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
    }
}
