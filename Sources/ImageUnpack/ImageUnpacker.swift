#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OCI

/// Unpacks an image from an OCI layout into a root file system: layers applied base first with OCI whiteouts, every
/// path kept inside the root (see ``RootfsWriter``), into a hidden sibling directory renamed into place only when every
/// layer applied. Layers are read, verified against their digests, decompressed and written as a stream.
public struct ImageUnpacker: Sendable {
    /// Whether character and block devices are created (otherwise skipped).
    public var allowDevices: Bool

    /// Creates an unpacker.
    public init(allowDevices: Bool = false) {
        self.allowDevices = allowDevices
    }

    /// What an unpack did.
    public struct Report: Sendable {
        /// The layers applied.
        public var layers: Int
        /// Device entries skipped because devices were not allowed.
        public var skippedDevices: Int
    }

    /// Unpacks `source` into `rootfs`, which must not exist.
    ///
    /// - Throws: ``UnpackError`` (`.escape` for an entry leaving the root), ``OCIError`` for layout problems.
    @discardableResult
    public func unpack(from source: LayoutReference, to rootfs: String) throws -> Report {
        let layout = try ImageLayout(opening: source.directory)
        let manifest = try Self.manifest(layout, try layout.resolve(tag: source.tag))
        let manager = FileManager.default
        guard !manager.fileExists(atPath: rootfs) else { throw UnpackError(.io, "\(rootfs) already exists") }
        let url = URL(fileURLWithPath: rootfs).standardizedFileURL
        let staging = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".staging-" + UUID().uuidString
        guard mkdir(staging, 0o755) == 0 else { throw UnpackError(.io, "cannot create \(staging): \(String(cString: strerror(errno)))") }
        var published = false
        defer { if !published { try? manager.removeItem(atPath: staging) } }
        let writer = RootfsWriter(root: staging, allowDevices: allowDevices)
        for layer in manifest.layers {
            writer.beginLayer()
            try apply(layer, from: layout, with: writer)
        }
        guard rename(staging, url.path) == 0 else { throw UnpackError(.io, "cannot move the root into place: \(String(cString: strerror(errno)))") }
        published = true
        return Report(layers: manifest.layers.count, skippedDevices: writer.skippedDevices)
    }

    private static func manifest(_ layout: ImageLayout, _ descriptor: Descriptor) throws -> Manifest {
        if MediaType.isIndex(descriptor.mediaType) {
            let index = try ImageIndex(json: try layout.readBlob(descriptor))
            let wanted = index.manifests.first {
                $0.platform?["os"]?.stringValue == "linux" && $0.platform?["architecture"]?.stringValue == Self.architecture
            } ?? (index.manifests.count == 1 ? index.manifests.first : nil)
            guard let wanted else { throw UnpackError(.unsupported, "the index has no manifest for linux/\(Self.architecture)") }
            return try manifest(layout, wanted)
        }
        return try Manifest(json: try layout.readBlob(descriptor))
    }

    private static var architecture: String {
        #if arch(arm64)
        "arm64"
        #else
        "amd64"
        #endif
    }

    private func apply(_ layer: Descriptor, from layout: ImageLayout, with writer: RootfsWriter) throws {
        let type = layer.mediaType
        guard !type.hasSuffix(MediaType.encryptedSuffix) else {
            throw UnpackError(.unsupported, "layer \(layer.digest) is encrypted; decrypt the image first")
        }
        let gzip: Bool
        if type.hasSuffix("tar+gzip") || type.hasSuffix("tar.gzip") || type == "application/vnd.docker.image.rootfs.diff.tar.gzip" {
            gzip = true
        } else if type.hasSuffix(".tar") {
            gzip = false
        } else {
            throw UnpackError(.unsupported, "layer \(layer.digest) has media type \(type), not tar or tar+gzip")
        }
        var reader = try layout.openBlob(layer)
        var tar = TarStream()
        let inflater = gzip ? try Gunzip() : nil
        while let chunk = try reader.next() {
            if let inflater {
                try inflater.feed(chunk) { try tar.feed($0, into: writer) }
            } else {
                try tar.feed(chunk, into: writer)
            }
        }
        if let inflater, !inflater.finished { throw UnpackError(.malformed, "layer \(layer.digest): the gzip stream is truncated") }
        try tar.finish()
        try writer.finishEntry()
    }
}
