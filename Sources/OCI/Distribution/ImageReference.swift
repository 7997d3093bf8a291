/// An image in a registry: `HOST[:PORT]/NAME[:TAG|@DIGEST|:TAG@DIGEST]` (an optional `docker://` prefix is dropped;
/// with both, the digest is what is fetched).
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// `host[:port]`.
    public var registry: String
    /// The repository name, `a/b`.
    public var repository: String
    /// A tag or `sha256:…` digest.
    public var reference: String

    /// Parses a reference.
    ///
    /// - Throws: ``OCIError`` `.malformed` when there is no registry host or repository, or the name has characters the
    ///   distribution spec forbids.
    public init(parsing text: String) throws {
        var rest = Substring(text.hasPrefix("docker://") ? String(text.dropFirst(9)) : text)
        guard let slash = rest.firstIndex(of: "/") else { throw OCIError(.malformed, "\"\(text)\" is not HOST/NAME[:TAG]") }
        registry = String(rest[..<slash])
        rest = rest[rest.index(after: slash)...]
        if let at = rest.firstIndex(of: "@") {
            reference = String(rest[rest.index(after: at)...])
            _ = try Digest(parsing: reference)
            rest = rest[..<at]
            // `name:tag@digest`: the digest decides; the tag is a label for people.
            if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") { rest = rest[..<colon] }
        } else if let colon = rest.lastIndex(of: ":") {
            reference = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        } else {
            reference = "latest"
        }
        repository = String(rest)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-/")
        guard !registry.isEmpty, !repository.isEmpty, repository.allSatisfy(allowed.contains),
              !repository.hasPrefix("/"), !repository.hasSuffix("/"), !repository.contains("//")
        else { throw OCIError(.malformed, "\"\(text)\" has no registry host or a repository name that is not lowercase [a-z0-9._-/]") }
        guard !reference.isEmpty, reference.count <= 128, reference.allSatisfy({ $0.isLetter || $0.isNumber || "._-:".contains($0) }) else {
            throw OCIError(.malformed, "\"\(text)\" has an invalid tag")
        }
    }

    /// `registry/repository:tag` or `registry/repository@digest`.
    public var description: String {
        registry + "/" + repository + (reference.hasPrefix("sha256:") ? "@" : ":") + reference
    }
}
