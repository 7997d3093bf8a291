import HermeticCore

/// A UEFI device path (UEFI 2.10 §10.3) as the text Trustee's event log parser prints for image-load events.
///
/// Each node is type u8 ‖ subtype u8 ‖ length u16 (header included) ‖ data, up to the end node (0x7F, 0xFF). The
/// nodes real boot chains carry are named as Trustee names them: `ACPI(PNP0A03,0)`, `Pci(function,device)`,
/// `HD(2,GPT,<guid>,0x1800,0x64000)`, `VenMedia(<guid>,<hex>)`, `File(\EFI\BOOT\BOOTX64.EFI)`; any other node is
/// `Path(type,subtype,<hex data>)`.
public enum UEFIDevicePath {
    /// The text of each node, or `nil` when a node's length runs past the data or is shorter than its header.
    public static func nodes(_ bytes: ArraySlice<UInt8>) -> [String]? {
        var texts: [String] = []
        var offset = bytes.startIndex
        while offset + 4 <= bytes.endIndex {
            let type = bytes[offset]
            let subtype = bytes[offset + 1]
            let length = Int(bytes[offset + 2]) | Int(bytes[offset + 3]) << 8
            guard length >= 4, offset + length <= bytes.endIndex else { return nil }
            if type == 0x7F, subtype == 0xFF { return texts }
            texts.append(text(type: type, subtype: subtype, data: Array(bytes[(offset + 4)..<(offset + length)])))
            offset += length
        }
        return texts
    }

    /// The device path of `UEFI_IMAGE_LOAD_EVENT`: image address u64 ‖ image length u64 ‖ link-time address u64 ‖
    /// device path length u64 ‖ device path.
    public static func ofImageLoadEvent(_ data: [UInt8]) -> [String]? {
        var cursor = LogCursor(data)
        guard (try? cursor.take(24, "image location")) != nil, let length = try? cursor.u64("device path length"),
              length <= UInt64(cursor.remaining), let path = try? cursor.take(Int(length), "device path")
        else { return nil }
        return nodes(path[...])
    }

    private static func text(type: UInt8, subtype: UInt8, data: [UInt8]) -> String {
        switch (type, subtype) {
        case (0x02, 0x01) where data.count == 8:
            return "ACPI(\(eisaID(littleEndian(data, 0, 4))),\(littleEndian(data, 4, 4)))"
        case (0x01, 0x01) where data.count == 2:
            return "Pci(\(data[0]),\(data[1]))"
        case (0x04, 0x01) where data.count == 38:
            let partition = littleEndian(data, 0, 4)
            let start = littleEndian(data, 4, 8)
            let size = littleEndian(data, 12, 8)
            let signature = Array(data[20..<36])
            let format = data[36]
            let signatureText: String
            switch (format, data[37]) {
            case (0x02, 0x02): signatureText = "GPT," + guid(signature)
            case (0x01, 0x01): signatureText = "MBR,0x" + hex(UInt64(littleEndian(signature, 0, 4)), width: 8)
            default: signatureText = "\(format),\(Hex.encode(signature))"
            }
            return "HD(\(partition),\(signatureText),0x\(hex(start)),0x\(hex(size)))"
        case (0x04, 0x03) where data.count >= 16:
            return "VenMedia(\(guid(Array(data[0..<16]))),\(Hex.encode(Array(data[16...]))))"
        case (0x04, 0x04):
            return "File(\(utf16(data)))"
        default:
            return "Path(\(type),\(subtype),\(Hex.encode(data)))"
        }
    }

    private static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt64 {
        (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    /// A compressed EISA id: three 5-bit letters in the low 16 bits, the product number in the high 16 (`PNP0A03`).
    private static func eisaID(_ value: UInt64) -> String {
        let letters = [10, 5, 0].map { shift in
            Character(Unicode.Scalar(UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0x1F) &+ 0x40))
        }
        return String(letters) + hex(value >> 16, width: 4).uppercased()
    }

    /// An EFI GUID: the first three fields little-endian, the rest in byte order, upper case.
    private static func guid(_ bytes: [UInt8]) -> String {
        func field(_ range: Range<Int>, reversed: Bool) -> String {
            let slice = Array(bytes[range])
            return Hex.encode(reversed ? slice.reversed() : slice).uppercased()
        }
        return [field(0..<4, reversed: true), field(4..<6, reversed: true), field(6..<8, reversed: true),
                field(8..<10, reversed: false), field(10..<16, reversed: false)].joined(separator: "-")
    }

    private static func hex(_ value: UInt64, width: Int = 0) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// UTF-16LE text up to the first NUL.
    private static func utf16(_ bytes: [UInt8]) -> String {
        let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        return String(decoding: units.prefix { $0 != 0 }, as: UTF16.self)
    }
}
