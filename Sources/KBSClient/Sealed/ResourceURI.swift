/// A KBS resource URI, `kbs://[HOST[:PORT]]/REPO/TYPE/TAG`, as Confidential Containers writes it in sealed secrets,
/// image annotations and key ids. The authority is ignored (the guest talks to its configured broker), as CDH does.
public struct ResourceURI: Sendable, Hashable, CustomStringConvertible {
    /// The repository.
    public let repository: String
    /// The resource type.
    public let type: String
    /// The tag.
    public let tag: String

    /// Parses a URI.
    ///
    /// - Throws: ``SealedSecretError`` (`resourceURI`) naming what is wrong.
    public init(_ text: String) throws(SealedSecretError) {
        guard text.hasPrefix("kbs://") else { throw SealedSecretError(.resourceURI, "\(text) is not a kbs:// resource URI") }
        let rest = text.dropFirst("kbs://".count)
        guard let slash = rest.firstIndex(of: "/") else { throw SealedSecretError(.resourceURI, "\(text) has no resource path") }
        let path = rest[rest.index(after: slash)...].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count == 3, segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw SealedSecretError(.resourceURI, "\(text) does not name REPO/TYPE/TAG")
        }
        repository = segments[0]
        type = segments[1]
        tag = segments[2]
    }

    /// `REPO/TYPE/TAG`, the path under `/kbs/v0/resource/`.
    public var path: String { "\(repository)/\(type)/\(tag)" }

    public var description: String { "kbs:///\(path)" }
}
