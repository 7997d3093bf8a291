import HermeticCore

/// An OCI content descriptor: what a manifest or index says about one blob.
public struct Descriptor: Sendable, Hashable, Codable {
    /// The media type of the referenced content.
    public var mediaType: String
    /// The digest, `sha256:<hex>` (checked by ``parsedDigest()``).
    public var digest: String
    /// The size in bytes.
    public var size: Int64
    /// Other places the content may be fetched from.
    public var urls: [String]?
    /// Annotations.
    public var annotations: [String: String]?
    /// The platform of a manifest in an index, kept as written.
    public var platform: JSONValue?
    /// The artifact type, for artifacts.
    public var artifactType: String?
    /// Embedded content, base64.
    public var data: String?

    /// Creates a descriptor.
    public init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest.description
        self.size = size
        self.annotations = annotations
    }

    /// The digest, checked.
    ///
    /// - Throws: ``OCIError`` when it is not `sha256:<64 hex>`.
    public func parsedDigest() throws -> Digest {
        try Digest(parsing: digest)
    }

    /// The `org.opencontainers.image.ref.name` annotation (the tag, in an image layout's index).
    public var referenceName: String? { annotations?[Annotation.referenceName] }
}

/// Annotation keys with a meaning here.
public enum Annotation {
    /// The tag of a manifest in an image layout's `index.json`.
    public static let referenceName = "org.opencontainers.image.ref.name"
}
