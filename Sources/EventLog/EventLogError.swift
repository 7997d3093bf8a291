import HermeticCore

/// An error from reading a TCG event log. The message names the event and field that did not fit.
public struct EventLogError: ClassifiedError, Equatable {
    /// The one-line reason.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var kind: FailureKind { .malformed }
    public var description: String { "eventlog: \(message)" }
}

/// A bounds-checked little-endian reader over event log bytes (the TCG PC Client structures are little-endian).
struct LogCursor {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], from offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int, _ field: String) throws -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw EventLogError("\(field) needs \(count) bytes at offset \(offset), only \(max(remaining, 0)) remain")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u8(_ field: String) throws -> UInt8 { try take(1, field)[0] }

    mutating func u16(_ field: String) throws -> UInt16 {
        let b = try take(2, field)
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    mutating func u32(_ field: String) throws -> UInt32 {
        try take(4, field).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    mutating func u64(_ field: String) throws -> UInt64 {
        try take(8, field).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
