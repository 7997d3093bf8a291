#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// An OCI image layout directory (image spec `image-layout.md`): `oci-layout`, `index.json` and
/// `blobs/sha256/<hex>`.
public struct ImageLayout: Sendable {
    /// The directory.
    public let path: String

    /// The largest manifest, index or configuration read whole into memory.
    public static let documentLimit: Int64 = 8 << 20

    /// Opens an existing layout.
    ///
    /// - Throws: ``OCIError`` `.notFound` when there is no `oci-layout` file, `.malformed` when it is not version 1.0.0.
    public init(opening path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path + "/oci-layout") else {
            throw OCIError(.notFound, "\(path) is not an OCI image layout (no oci-layout file)")
        }
        guard let value = try? JSONValue(parsing: data), let version = value["imageLayoutVersion"]?.stringValue
        else { throw OCIError(.malformed, "\(path)/oci-layout is not a JSON object with imageLayoutVersion") }
        guard version == "1.0.0" else { throw OCIError(.unsupported, "\(path)/oci-layout has imageLayoutVersion \(version), not 1.0.0") }
    }

    /// Creates an empty layout in a directory that must not exist yet.
    ///
    /// - Throws: ``OCIError`` `.io` when the directory exists or cannot be made.
    public static func create(at path: String) throws -> ImageLayout {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else { throw OCIError(.io, "\(path) already exists") }
        do {
            try manager.createDirectory(atPath: path + "/blobs/sha256", withIntermediateDirectories: true)
            try Data("{\"imageLayoutVersion\":\"1.0.0\"}".utf8).write(to: URL(fileURLWithPath: path + "/oci-layout"))
        } catch {
            throw OCIError(.io, "cannot create the layout \(path): \(error)")
        }
        let layout = try ImageLayout(opening: path)
        try layout.writeIndex(ImageIndex())
        return layout
    }

    /// The layout's `index.json`.
    ///
    /// - Throws: ``OCIError`` when it is missing or not an index.
    public func index() throws -> ImageIndex {
        guard let data = FileManager.default.contents(atPath: path + "/index.json") else {
            throw OCIError(.notFound, "\(path) has no index.json")
        }
        return try ImageIndex(json: [UInt8](data))
    }

    /// Replaces `index.json` atomically (a temporary file renamed over it).
    ///
    /// - Throws: ``OCIError`` `.io` when it cannot be written.
    public func writeIndex(_ index: ImageIndex) throws {
        let bytes = try index.encoded()
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path + "/index.json"), options: .atomic)
        } catch {
            throw OCIError(.io, "cannot write \(path)/index.json: \(error)")
        }
    }

    /// Where the blob with `digest` lives.
    public func blobPath(_ digest: Digest) -> String {
        path + "/blobs/sha256/" + digest.hex
    }

    /// Whether the blob is present.
    public func hasBlob(_ digest: Digest) -> Bool {
        FileManager.default.fileExists(atPath: blobPath(digest))
    }

    /// Opens a blob for streaming, verified against `descriptor` as it is read.
    ///
    /// - Parameter verifyingDigest: `false` checks only the size, for a caller that authenticates the content
    ///   itself with a keyed MAC (an encrypted layer's HMAC), which a digest adds nothing to.
    /// - Throws: ``OCIError`` `.notFound` when the blob is absent, `.malformed` for a bad digest.
    public func openBlob(_ descriptor: Descriptor, chunkSize: Int = BlobReader.defaultChunkSize, verifyingDigest: Bool = true) throws -> BlobReader {
        let digest = try descriptor.parsedDigest()
        guard descriptor.size >= 0 else { throw OCIError(.malformed, "descriptor of \(digest) has a negative size") }
        return BlobReader(
            stream: try FileStream.open(reading: blobPath(digest)), expected: digest, size: descriptor.size, chunkSize: chunkSize,
            verifyDigest: verifyingDigest
        )
    }

    /// Reads a small blob (a manifest, index or configuration) whole, verified against `descriptor`.
    ///
    /// - Throws: ``OCIError`` `.malformed` when it is larger than ``documentLimit``, `.digestMismatch` when it does
    ///   not match.
    public func readBlob(_ descriptor: Descriptor) throws -> [UInt8] {
        guard descriptor.size <= Self.documentLimit else {
            throw OCIError(.malformed, "\(descriptor.digest) is \(descriptor.size) bytes, more than a document may be")
        }
        var reader = try openBlob(descriptor, chunkSize: Int(max(descriptor.size, 0)) + 1)
        var bytes: [UInt8] = []
        while let chunk = try reader.next() { bytes += chunk }
        return bytes
    }

    /// Starts writing a new blob.
    ///
    /// - Throws: ``OCIError`` `.io` when the temporary file cannot be made.
    public func makeBlobWriter() throws -> BlobWriter {
        try BlobWriter(blobDirectory: path + "/blobs/sha256")
    }

    /// Writes `bytes` as a blob.
    ///
    /// - Returns: a descriptor of `mediaType` for it.
    public func writeBlob(_ bytes: [UInt8], mediaType: String) throws -> Descriptor {
        let writer = try makeBlobWriter()
        try writer.write(bytes)
        let (digest, size) = try writer.finish()
        return Descriptor(mediaType: mediaType, digest: digest, size: size)
    }

    /// Copies a blob from another layout, verifying it on the way, unless it is already here.
    ///
    /// - Throws: ``OCIError`` when the source is missing or does not match.
    public func copyBlob(_ descriptor: Descriptor, from source: ImageLayout) throws {
        let digest = try descriptor.parsedDigest()
        if hasBlob(digest) { return }
        var reader = try source.openBlob(descriptor)
        let writer = try makeBlobWriter()
        while let chunk = try reader.next() { try writer.write(chunk) }
        _ = try writer.finish()
    }
}
