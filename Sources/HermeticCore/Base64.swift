import Foundation

/// Base64 in the two alphabets this field uses: standard (RFC 4648 §4) and URL-safe (§5), padded or not.
public enum Base64 {
    /// Encodes with the standard alphabet and padding.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        Data(bytes).base64EncodedString()
    }

    /// Encodes with the URL-safe alphabet and no padding, as JOSE does.
    public static func encodeURL<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = encode(bytes)
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// Decodes either alphabet, with or without padding. Whitespace is not allowed.
    ///
    /// - Returns: the bytes, or `nil` when the text is not base64.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var normalized = String(text)
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        guard !normalized.contains("=") || normalized.hasSuffix("=") else { return nil }
        while normalized.hasSuffix("=") { normalized.removeLast() }
        guard normalized.count % 4 != 1 else { return nil }
        normalized += String(repeating: "=", count: (4 - normalized.count % 4) % 4)
        return Data(base64Encoded: normalized).map { [UInt8]($0) }
    }
}
