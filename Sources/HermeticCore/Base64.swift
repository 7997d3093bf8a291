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
    /// - Returns: the bytes, or `nil` when the text is not base64.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var normalized: [UInt8] = text.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "-"): return UInt8(ascii: "+")
            case UInt8(ascii: "_"): return UInt8(ascii: "/")
            default: return byte
            }
        }
        let padding = UInt8(ascii: "=")
        guard !normalized.contains(padding) || normalized.last == padding else { return nil }
        while normalized.last == padding { normalized.removeLast() }
        guard normalized.count % 4 != 1 else { return nil }
        normalized += repeatElement(padding, count: (4 - normalized.count % 4) % 4)
        return Data(base64Encoded: Data(normalized)).map { [UInt8]($0) }
    }
}
