import OCI

/// Rewrites an image from one layout into another: every manifest (through nested indexes) gets its layers
/// transformed by `layer`; configurations and untouched layers are copied, verified.
struct ImageWalk {
    let source: ImageLayout
    let destination: ImageLayout
    /// Transforms one layer (its position and the manifest's layer count given), writing any new blob into
    /// `destination`, and returns its new descriptor; returns `nil` to copy it unchanged.
    let layer: (Descriptor, Int, Int) async throws -> Descriptor?

    func rewrite(_ descriptor: Descriptor) async throws -> Descriptor {
        if MediaType.isIndex(descriptor.mediaType) {
            var index = try ImageIndex(json: try source.readBlob(descriptor))
            for position in index.manifests.indices {
                index.manifests[position] = try await rewrite(index.manifests[position])
            }
            return try written(try index.encoded(), like: descriptor)
        }
        guard MediaType.isManifest(descriptor.mediaType) else {
            throw ImageCryptError(.unsupported, "\(descriptor.digest) has media type \(descriptor.mediaType), not a manifest or index")
        }
        var manifest = try Manifest(json: try source.readBlob(descriptor))
        try destination.copyBlob(manifest.config, from: source)
        for position in manifest.layers.indices {
            let original = manifest.layers[position]
            if let replaced = try await layer(original, position, manifest.layers.count) {
                manifest.layers[position] = replaced
            } else {
                try destination.copyBlob(original, from: source)
            }
        }
        return try written(try manifest.encoded(), like: descriptor)
    }

    private func written(_ bytes: [UInt8], like original: Descriptor) throws -> Descriptor {
        var descriptor = try destination.writeBlob(bytes, mediaType: original.mediaType)
        descriptor.platform = original.platform
        descriptor.annotations = original.annotations
        descriptor.artifactType = original.artifactType
        return descriptor
    }
}
