/// Little-endian field access over a fixed-layout byte buffer.
struct ByteReader {
    let bytes: [UInt8]

    func u8(_ offset: Int) -> UInt8 { bytes[offset] }

    func u32(_ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    func u64(_ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    func slice(_ offset: Int, _ count: Int) -> [UInt8] { Array(bytes[offset..<offset + count]) }

    /// The first non-zero byte in `range`, if any, for must-be-zero checks.
    func firstNonZero(in range: Range<Int>) -> Int? { range.first { bytes[$0] != 0 } }
}

/// Little-endian field writes into a fixed-layout byte buffer.
struct ByteWriter {
    var bytes: [UInt8]

    init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }

    mutating func put(_ value: UInt32, at offset: Int) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    mutating func put(_ value: UInt64, at offset: Int) {
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    mutating func put(_ value: UInt8, at offset: Int) { bytes[offset] = value }

    mutating func put(_ value: [UInt8], at offset: Int) {
        bytes.replaceSubrange(offset..<offset + value.count, with: value)
    }
}
