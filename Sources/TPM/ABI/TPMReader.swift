/// A bounds-checked big-endian reader over TPM marshaled bytes (TPM 2.0 Part 2 uses network byte order).
///
/// Every read names the field, so a truncated structure fails with the field that did not fit rather than a trap.
public struct TPMReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// The offset of the next read.
    public private(set) var offset: Int

    /// Starts reading `bytes` at offset 0.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// The number of bytes not read yet.
    public var remaining: Int { bytes.count - offset }

    /// Reads `count` raw bytes.
    public mutating func take(_ count: Int, _ field: String) throws -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw TPMError(.malformedStructure, "\(field) needs \(count) bytes at offset \(offset), only \(max(remaining, 0)) remain")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Reads one byte.
    public mutating func u8(_ field: String) throws -> UInt8 {
        try take(1, field)[0]
    }

    /// Reads a big-endian UInt16.
    public mutating func u16(_ field: String) throws -> UInt16 {
        let b = try take(2, field)
        return UInt16(b[0]) << 8 | UInt16(b[1])
    }

    /// Reads a big-endian UInt32.
    public mutating func u32(_ field: String) throws -> UInt32 {
        try take(4, field).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Reads a big-endian UInt64.
    public mutating func u64(_ field: String) throws -> UInt64 {
        try take(8, field).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Reads a TPM2B: a UInt16 size, then that many bytes.
    public mutating func sized(_ field: String) throws -> [UInt8] {
        let size = try u16("\(field).size")
        return try take(Int(size), field)
    }

    /// Fails when bytes are left over after a structure that must fill its buffer.
    public func expectEnd(_ structure: String) throws {
        guard remaining == 0 else {
            throw TPMError(.malformedStructure, "\(structure) has \(remaining) trailing bytes at offset \(offset)")
        }
    }
}

/// Big-endian marshaling into a growing buffer, the inverse of ``TPMReader``.
public struct TPMWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() {}

    /// Appends raw bytes.
    public mutating func append(_ data: [UInt8]) { bytes += data }
    /// Appends one byte.
    public mutating func u8(_ value: UInt8) { bytes.append(value) }
    /// Appends a big-endian UInt16.
    public mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
    /// Appends a big-endian UInt32.
    public mutating func u32(_ value: UInt32) { bytes += (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    /// Appends a big-endian UInt64.
    public mutating func u64(_ value: UInt64) { bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    /// Appends a TPM2B: the size as UInt16, then the bytes (which must fit in 65535).
    public mutating func sized(_ data: [UInt8]) {
        u16(UInt16(clamping: data.count))
        bytes += data.prefix(Int(UInt16.max))
    }
}
