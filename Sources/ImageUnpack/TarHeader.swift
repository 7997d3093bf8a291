/// One tar entry's header (POSIX ustar, GNU long names, PAX `path`/`linkpath`/`size`).
struct TarHeader: Sendable {
    enum Kind: Sendable, Equatable {
        case file, hardLink, symbolicLink, characterDevice, blockDevice, directory, fifo
        /// GNU long name (`L`), GNU long link (`K`), PAX extended (`x`), PAX global (`g`).
        case longName, longLink, paxExtended, paxGlobal
        case other(UInt8)
    }

    var name: String
    var linkName: String
    var mode: UInt32
    var uid: Int
    var gid: Int
    var size: Int64
    var kind: Kind
    var deviceMajor: UInt32
    var deviceMinor: UInt32

    /// Parses a 512-byte header block.
    init(block: ArraySlice<UInt8>) throws {
        let b = Array(block)
        guard b.count == 512 else { throw UnpackError(.malformed, "short tar header") }
        var sum = 0
        for (index, byte) in b.enumerated() { sum += (148..<156).contains(index) ? 0x20 : Int(byte) }
        guard let stored = Self.number(b[148..<156]), stored == Int64(sum) else {
            throw UnpackError(.malformed, "tar header checksum does not match")
        }
        var name = Self.string(b[0..<100])
        let magic = Self.string(b[257..<263])
        if magic.hasPrefix("ustar") {
            let prefix = Self.string(b[345..<500])
            if !prefix.isEmpty && magic == "ustar" { name = prefix + "/" + name }
        }
        self.name = name
        linkName = Self.string(b[157..<257])
        mode = UInt32(truncatingIfNeeded: Self.number(b[100..<108]) ?? 0o644)
        uid = Int(Self.number(b[108..<116]) ?? 0)
        gid = Int(Self.number(b[116..<124]) ?? 0)
        guard let size = Self.number(b[124..<136]), size >= 0 else { throw UnpackError(.malformed, "tar entry \"\(name)\" has an unreadable size") }
        self.size = size
        deviceMajor = UInt32(truncatingIfNeeded: Self.number(b[329..<337]) ?? 0)
        deviceMinor = UInt32(truncatingIfNeeded: Self.number(b[337..<345]) ?? 0)
        kind = switch b[156] {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): .file
        case UInt8(ascii: "1"): .hardLink
        case UInt8(ascii: "2"): .symbolicLink
        case UInt8(ascii: "3"): .characterDevice
        case UInt8(ascii: "4"): .blockDevice
        case UInt8(ascii: "5"): .directory
        case UInt8(ascii: "6"): .fifo
        case UInt8(ascii: "L"): .longName
        case UInt8(ascii: "K"): .longLink
        case UInt8(ascii: "x"): .paxExtended
        case UInt8(ascii: "g"): .paxGlobal
        case let other: .other(other)
        }
    }

    /// A NUL-terminated field as UTF-8.
    static func string(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// An octal field, or GNU base-256 when the high bit of the first byte is set.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7f)
            for byte in field.dropFirst() {
                guard value < Int64.max >> 8 else { return nil }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seen = false
        for byte in field {
            if byte == 0 || byte == 0x20 { if seen { break } else { continue } }
            guard (0x30...0x37).contains(byte), value < Int64.max >> 3 else { return nil }
            value = value << 3 | Int64(byte - 0x30)
            seen = true
        }
        return value
    }

    /// Applies PAX records (`path`, `linkpath`, `size`).
    mutating func apply(pax records: [String: String]) throws {
        if let path = records["path"] { name = path }
        if let link = records["linkpath"] { linkName = link }
        if let text = records["size"] {
            guard let value = Int64(text), value >= 0 else { throw UnpackError(.malformed, "PAX size \"\(text)\" is not a number") }
            size = value
        }
    }

    /// Parses PAX extended header content: `LEN key=value\n` records.
    static func paxRecords(_ bytes: [UInt8]) throws -> [String: String] {
        var records: [String: String] = [:]
        var position = 0
        while position < bytes.count {
            guard let space = bytes[position...].firstIndex(of: 0x20),
                  let length = Int(String(decoding: bytes[position..<space], as: UTF8.self)),
                  position + length <= bytes.count, space + 1 <= position + length - 1
            else { throw UnpackError(.malformed, "malformed PAX record") }
            let record = bytes[(space + 1)..<(position + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[record.startIndex..<equals], as: UTF8.self)] =
                    String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            position += length
        }
        return records
    }
}
