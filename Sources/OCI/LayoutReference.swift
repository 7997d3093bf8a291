/// An image in a layout, as skopeo names it: `oci:DIR[:TAG]` (the first colon after `oci:` ends the directory).
public struct LayoutReference: Sendable, Hashable, CustomStringConvertible {
    /// The layout directory.
    public var directory: String
    /// The tag (`org.opencontainers.image.ref.name`), if given.
    public var tag: String?

    /// Parses `oci:DIR[:TAG]`.
    ///
    /// - Throws: ``OCIError`` `.malformed` without the `oci:` prefix or with an empty directory or tag.
    public init(parsing text: String) throws {
        guard text.hasPrefix("oci:") else { throw OCIError(.malformed, "\"\(text)\" is not oci:DIR[:TAG]") }
        let rest = text.dropFirst(4)
        if let colon = rest.firstIndex(of: ":") {
            directory = String(rest[..<colon])
            tag = String(rest[rest.index(after: colon)...])
            guard tag?.isEmpty == false else { throw OCIError(.malformed, "\"\(text)\" has an empty tag") }
        } else {
            directory = String(rest)
            tag = nil
        }
        guard !directory.isEmpty else { throw OCIError(.malformed, "\"\(text)\" has an empty directory") }
    }

    /// Creates a reference.
    public init(directory: String, tag: String?) {
        self.directory = directory
        self.tag = tag
    }

    /// `oci:DIR[:TAG]`.
    public var description: String { "oci:" + directory + (tag.map { ":" + $0 } ?? "") }
}

extension ImageLayout {
    /// The entry of `index.json` that `tag` names; without a tag, the only entry.
    ///
    /// - Throws: ``OCIError`` `.notFound` when no entry has the tag (or, without one, when there is not exactly one).
    public func resolve(tag: String?) throws -> Descriptor {
        let entries = try index().manifests
        if let tag {
            guard let found = entries.first(where: { $0.referenceName == tag }) else {
                throw OCIError(.notFound, "\(path) has no image tagged \"\(tag)\"")
            }
            return found
        }
        guard entries.count == 1, let only = entries.first else {
            throw OCIError(.notFound, "\(path) holds \(entries.count) images; name one with oci:DIR:TAG")
        }
        return only
    }
}
