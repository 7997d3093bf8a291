import Foundation
import ImageUnpack
import OCI
import Testing

/// Writes ustar archives for the tests, including the hostile entries real tar tools refuse to make.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    mutating func add(_ name: String, type: UInt8 = UInt8(ascii: "0"), content: [UInt8] = [], link: String = "", mode: Int = 0o644) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(mode, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(content.count, at: 124, width: 12)
        octal(0, at: 136, width: 12)
        header[156] = type
        put(link, at: 157, width: 100)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        for index in 148..<156 { header[index] = 0x20 }
        let sum = header.reduce(0) { $0 + Int($1) }
        octal(sum, at: 148, width: 7)
        bytes += header + content + [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }

    mutating func pax(_ records: [String: String]) {
        var body: [UInt8] = []
        for (key, value) in records.sorted(by: { $0.key < $1.key }) {
            let core = " \(key)=\(value)\n"
            var length = core.utf8.count + 1
            while "\(length)\(core)".utf8.count != length { length += 1 }
            body += Array("\(length)\(core)".utf8)
        }
        add("PaxHeader", type: UInt8(ascii: "x"), content: body)
    }

    var archive: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }
}

@Suite("Image unpack: whiteouts, links, escapes")
struct ImageUnpackTests {
    /// A layout whose image has these layers (tar, or gzip when asked).
    static func image(at directory: String, layers: [(tar: [UInt8], gzip: Bool)]) throws -> LayoutReference {
        let layout = try ImageLayout.create(at: directory)
        let descriptors = try layers.map { layer in
            layer.gzip
                ? try layout.writeBlob(TestImage.gzipStored(layer.tar), mediaType: "application/vnd.oci.image.layer.v1.tar+gzip")
                : try layout.writeBlob(layer.tar, mediaType: "application/vnd.oci.image.layer.v1.tar")
        }
        let config = try layout.writeBlob(Array("{}".utf8), mediaType: MediaType.imageConfig)
        var manifest = try Manifest(json: Array(#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]}"#.utf8))
        manifest.mediaType = MediaType.imageManifest
        manifest.config = config
        manifest.layers = descriptors
        var index = ImageIndex()
        index.manifests = [try layout.writeBlob(try manifest.encoded(), mediaType: MediaType.imageManifest)]
        try layout.writeIndex(index)
        return LayoutReference(directory: directory, tag: nil)
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func layersApplyWithWhiteouts() throws {
        let scratch = try Scratch()
        var base = TarBuilder()
        base.add("a/", type: UInt8(ascii: "5"), mode: 0o755)
        base.add("a/x", content: Array("one".utf8))
        base.add("a/y", content: Array("gone".utf8))
        base.add("./d/", type: UInt8(ascii: "5"), mode: 0o755)
        base.add("d/old", content: Array("old".utf8))
        base.add("s", type: UInt8(ascii: "2"), link: "a/x")
        base.add("h", type: UInt8(ascii: "1"), link: "a/x")
        base.add("bin/tool", content: Array("#!".utf8), mode: 0o755)
        base.add("dev/null", type: UInt8(ascii: "3"))
        let longName = "deep/" + String(repeating: "n", count: 150)
        base.pax(["path": longName])
        base.add("placeholder", content: Array("long".utf8))
        var top = TarBuilder()
        top.add("a/.wh.y")
        top.add("d/.wh..wh..opq")
        top.add("d/new", content: Array("new".utf8))
        top.add("a/x", content: Array("two".utf8))
        let source = try Self.image(at: scratch.path + "/img", layers: [(base.archive, true), (top.archive, false)])
        let root = scratch.path + "/rootfs"
        let report = try ImageUnpacker().unpack(from: source, to: root)
        #expect(report.layers == 2)
        #expect(report.skippedDevices == 1)
        #expect(read(root + "/a/x") == "two")
        #expect(!FileManager.default.fileExists(atPath: root + "/a/y"))
        #expect(!FileManager.default.fileExists(atPath: root + "/d/old"))
        #expect(read(root + "/d/new") == "new")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/s") == "a/x")
        #expect(read(root + "/h") == "one")
        #expect(read(root + "/" + longName) == "long")
        #expect(!FileManager.default.fileExists(atPath: root + "/dev/null"))
        let attributes = try FileManager.default.attributesOfItem(atPath: root + "/bin/tool")
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
    }

    @Test(arguments: [
        "dotdot", "absolute-symlink", "climbing-symlink", "through-symlink", "hardlink-out", "hardlink-dotdot",
    ])
    func escapesAreRefused(_ name: String) throws {
        let scratch = try Scratch()
        var layers: [(tar: [UInt8], gzip: Bool)] = []
        var tar = TarBuilder()
        switch name {
        case "dotdot": tar.add("a/../../evil", content: Array("x".utf8))
        case "absolute-symlink": tar.add("etc-link", type: UInt8(ascii: "2"), link: "/etc/passwd")
        case "climbing-symlink": tar.add("a/l", type: UInt8(ascii: "2"), link: "../../outside")
        case "through-symlink":
            var first = TarBuilder()
            first.add("real/", type: UInt8(ascii: "5"), mode: 0o755)
            first.add("l", type: UInt8(ascii: "2"), link: "real")
            layers.append((first.archive, false))
            tar.add("l/f", content: Array("x".utf8))
        case "hardlink-out": tar.add("h", type: UInt8(ascii: "1"), link: "../../etc/passwd")
        default: tar.add("h", type: UInt8(ascii: "1"), link: "a/../../x")
        }
        layers.append((tar.archive, false))
        let source = try Self.image(at: scratch.path + "/img", layers: layers)
        #expect(throws: UnpackError(.escape, "")) { try ImageUnpacker().unpack(from: source, to: scratch.path + "/rootfs") }
        #expect(try scratch.entries() == ["img"])
    }

    @Test func truncatedLayerIsRefused() throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.add("f", content: [UInt8](repeating: 1, count: 2000))
        let truncated = Array(tar.bytes.prefix(1024))
        let source = try Self.image(at: scratch.path + "/img", layers: [(truncated, false)])
        #expect(throws: UnpackError(.malformed, "")) { try ImageUnpacker().unpack(from: source, to: scratch.path + "/rootfs") }
        // PAX records whose lengths lie, and a corrupt header checksum: bad input, never a crash.
        for body in ["1 a", "2 a=b\n", "99 path=x\n", "x path=y\n"] {
            var pax = TarBuilder()
            pax.add("PaxHeader", type: UInt8(ascii: "x"), content: Array(body.utf8))
            pax.add("f", content: [1])
            let image = try Self.image(at: scratch.path + "/pax-\(UUID().uuidString)", layers: [(pax.archive, false)])
            #expect(throws: UnpackError(.malformed, "")) { try ImageUnpacker().unpack(from: image, to: scratch.path + "/rootfs") }
        }
        var corrupt = TarBuilder()
        corrupt.add("f", content: [1])
        var bytes = corrupt.archive
        bytes[0] ^= 0x01
        let image = try Self.image(at: scratch.path + "/corrupt", layers: [(bytes, false)])
        #expect(throws: UnpackError(.malformed, "")) { try ImageUnpacker().unpack(from: image, to: scratch.path + "/rootfs") }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/rootfs"))
        #expect(try scratch.entries().allSatisfy { !$0.contains("staging") })
    }

    /// A layer compressed by the real gzip tool (zlib's deflate, not stored blocks).
    @Test(.enabled(if: Peer.find("gzip") != nil, "skipped: gzip is missing"))
    func realGzipLayer() throws {
        let scratch = try Scratch()
        var tar = TarBuilder()
        tar.add("text", content: Array(String(repeating: "hermetic ", count: 5000).utf8))
        let plain = scratch.path + "/layer.tar"
        try Data(tar.archive).write(to: URL(fileURLWithPath: plain))
        try #require(try Peer.run(try #require(Peer.find("gzip")), ["-9", "-n", plain]).status == 0)
        let compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: plain + ".gz")))
        let layout = try ImageLayout.create(at: scratch.path + "/img")
        let layer = try layout.writeBlob(compressed, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip")
        let config = try layout.writeBlob(Array("{}".utf8), mediaType: MediaType.imageConfig)
        var manifest = try Manifest(json: Array(#"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":0},"layers":[]}"#.utf8))
        manifest.config = config
        manifest.layers = [layer]
        var index = ImageIndex()
        index.manifests = [try layout.writeBlob(try manifest.encoded(), mediaType: MediaType.imageManifest)]
        try layout.writeIndex(index)
        try ImageUnpacker().unpack(from: LayoutReference(directory: scratch.path + "/img", tag: nil), to: scratch.path + "/rootfs")
        #expect(read(scratch.path + "/rootfs/text") == String(repeating: "hermetic ", count: 5000))
    }
}
