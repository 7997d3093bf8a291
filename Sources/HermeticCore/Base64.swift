#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Base64 in the two alphabets this field uses: standard (RFC 4648 §4) and URL-safe (§5), padded or not.
public enum Base64 {
    /// Encodes with the standard alphabet and padding.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }

    /// Encodes with the URL-safe alphabet and no padding, as JOSE does.
    public static func encodeURL<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let standard = Data(bytes).base64EncodedData()
        var url: [UInt8] = []
        url.reserveCapacity(standard.count)
        for byte in standard {
            switch byte {
            case UInt8(ascii: "+"): url.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): url.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): break
            default: url.append(byte)
            }
        }
        return String(decoding: url, as: UTF8.self)
    }

    /// Decodes either alphabet, with or without padding. Whitespace is not allowed.
    ///
    /// Padding may only end the text, in any amount.
    ///
    /// - Returns: the bytes, or `nil` when the text is not base64.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var utf8 = Substring(text).utf8
        while utf8.last == UInt8(ascii: "=") { utf8 = utf8.dropLast() }
        guard utf8.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count / 4 * 3 + 2)
        var group: UInt32 = 0
        var filled = 0
        for byte in utf8 {
            let value = decodingTable[Int(byte)]
            guard value != 0xFF else { return nil }
            group = group << 6 | UInt32(value)
            filled += 1
            if filled == 4 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
                filled = 0
            }
        }
        if filled == 2 {
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        } else if filled == 3 {
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        }
        return output
    }

    /// Each byte's 6-bit value in either alphabet, or 0xFF.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() { table[Int(byte)] = UInt8(index) }
        for (byte, value) in [(UInt8(ascii: "+"), 62), (UInt8(ascii: "-"), 62), (UInt8(ascii: "/"), 63), (UInt8(ascii: "_"), 63)] {
            table[Int(byte)] = UInt8(value)
        }
        return table
    }()
}
