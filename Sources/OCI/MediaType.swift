/// The media types this package reads and writes (OCI image spec v1.1, and the Docker v2 forms registries still serve).
public enum MediaType {
    /// An OCI image manifest.
    public static let imageManifest = "application/vnd.oci.image.manifest.v1+json"
    /// An OCI image index.
    public static let imageIndex = "application/vnd.oci.image.index.v1+json"
    /// An OCI image configuration.
    public static let imageConfig = "application/vnd.oci.image.config.v1+json"
    /// A Docker v2 schema 2 manifest.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// A Docker manifest list.
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// The suffix ocicrypt appends to an encrypted layer's media type.
    public static let encryptedSuffix = "+encrypted"

    /// Whether `mediaType` names a manifest (OCI or Docker).
    public static func isManifest(_ mediaType: String) -> Bool {
        mediaType == imageManifest || mediaType == dockerManifest
    }

    /// Whether `mediaType` names an index or manifest list.
    public static func isIndex(_ mediaType: String) -> Bool {
        mediaType == imageIndex || mediaType == dockerManifestList
    }
}
