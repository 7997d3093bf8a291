/// A resource path `repo/type/tag`: exactly three segments of `[A-Za-z0-9_-.]`, none starting with a dot (Trustee's
/// resource path rule).
public struct ResourcePath: Sendable, Hashable, CustomStringConvertible {
    /// The three segments.
    public let repository: String, type: String, tag: String

    /// Parses `repo/type/tag`.
    ///
    /// - Throws: ``KBSError`` `InvalidRequestPath` (404) naming the rule broken.
    public init(_ text: String) throws {
        let segments = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count == 3 else {
            throw KBSError(.invalidRequestPath, "resource path must be repo/type/tag, got \(segments.count) segment(s)")
        }
        for segment in segments {
            guard let first = segment.unicodeScalars.first, first != ".",
                  segment.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.".unicodeScalars.contains($0) })
            else {
                throw KBSError(.invalidRequestPath, "resource path segment \"\(segment.prefix(64))\" must be [A-Za-z0-9_-.]+ not starting with a dot")
            }
        }
        repository = segments[0]
        type = segments[1]
        tag = segments[2]
    }

    public var description: String { "\(repository)/\(type)/\(tag)" }
}
