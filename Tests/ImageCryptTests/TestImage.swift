import Crypto
import Foundation
import OCI

/// A throwaway directory removed when the test is done.
final class Scratch {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "hermetic-image-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String, _ text: String) throws -> String {
        let full = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Entries of the directory (staging leftovers would show here).
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }
}

/// Builds test images: gzip layers (stored deflate blocks, so no compressor is needed) of pseudo-random content, a
/// configuration and a manifest, tagged in a new layout.
enum TestImage {
    /// Creates `oci:<dir>:latest` with layers of the given sizes; returns the layer descriptors.
    @discardableResult
    static func make(at directory: String, layerSizes: [Int], tag: String = "latest") throws -> [Descriptor] {
        let layout = try ImageLayout.create(at: directory)
        var generator = SystemRandomNumberGenerator()
        var layers: [Descriptor] = []
        var diffIDs: [String] = []
        for size in layerSizes {
            let tar = (0..<size).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            diffIDs.append(Digest(of: tar).description)
            layers.append(try layout.writeBlob(gzipStored(tar), mediaType: "application/vnd.oci.image.layer.v1.tar+gzip"))
        }
        let config = try JSONSerialization.data(withJSONObject: [
            "architecture": "amd64", "os": "linux", "rootfs": ["type": "layers", "diff_ids": diffIDs],
        ], options: [.sortedKeys])
        let configDescriptor = try layout.writeBlob([UInt8](config), mediaType: MediaType.imageConfig)
        var manifest = try Manifest(json: Array(#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]}"#.utf8))
        manifest.mediaType = MediaType.imageManifest
        manifest.config = configDescriptor
        manifest.layers = layers
        var manifestDescriptor = try layout.writeBlob(try manifest.encoded(), mediaType: MediaType.imageManifest)
        manifestDescriptor.annotations = [Annotation.referenceName: tag]
        var index = ImageIndex()
        index.manifests = [manifestDescriptor]
        try layout.writeIndex(index)
        return layers
    }

    /// The manifest `oci:<dir>:<tag>` points to.
    static func manifest(at directory: String, tag: String = "latest") throws -> Manifest {
        let layout = try ImageLayout(opening: directory)
        return try Manifest(json: try layout.readBlob(try layout.resolve(tag: tag)))
    }

    /// Rewrites the manifest of `oci:<dir>:<tag>` in place with `change`.
    static func editManifest(at directory: String, tag: String = "latest", _ change: (inout Manifest, ImageLayout) throws -> Void) throws {
        let layout = try ImageLayout(opening: directory)
        var index = try layout.index()
        guard let position = index.manifests.firstIndex(where: { $0.referenceName == tag }) else { return }
        var manifest = try Manifest(json: try layout.readBlob(index.manifests[position]))
        try change(&manifest, layout)
        var descriptor = try layout.writeBlob(try manifest.encoded(), mediaType: MediaType.imageManifest)
        descriptor.annotations = index.manifests[position].annotations
        index.manifests[position] = descriptor
        try layout.writeIndex(index)
    }

    /// A gzip member holding `data` in stored (uncompressed) deflate blocks (RFC 1951 §3.2.4, RFC 1952).
    static func gzipStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        let crc = crc32(data)
        let size = UInt32(truncatingIfNeeded: data.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((crc >> UInt32(shift)) & 0xff)) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((size >> UInt32(shift)) & 0xff)) }
        return out
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for byte in data { c = crcTable[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xffff_ffff
    }
}
