/// Trimming by Unicode scalar, as Foundation's `trimmingCharacters(in:)` does, for targets that link
/// FoundationEssentials only (which has no `CharacterSet`).
extension StringProtocol {
    /// The text without the leading and trailing scalars for which `isTrimmed` holds.
    public func trimmingScalars(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
              let last = scalars.lastIndex(where: { !isTrimmed($0) }) else { return "" }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars[first...last])
        return String(kept)
    }

    /// The text without the leading and trailing scalars in `set`.
    public func trimmingScalars(in set: Set<Unicode.Scalar>) -> String {
        trimmingScalars(where: set.contains)
    }

    /// The text without leading and trailing white space: Unicode `White_Space` and U+200B (Foundation's
    /// `.whitespacesAndNewlines`), or when `newlines` is `false`, without the line breaks (Foundation's `.whitespaces`).
    public func trimmingWhitespace(newlines: Bool = true) -> String {
        trimmingScalars { scalar in
            // Foundation's sets also hold U+200B ZERO WIDTH SPACE, a space separator in older Unicode.
            guard scalar.properties.isWhitespace || scalar.value == 0x200B else { return false }
            return newlines || !Self.lineBreaks.contains(scalar.value)
        }
    }

    private static var lineBreaks: Set<UInt32> { [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029] }
}
