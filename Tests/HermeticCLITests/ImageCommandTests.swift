import Crypto
import Foundation
import JOSE
import KeyBroker
import OCI
import Testing

/// `hermetic image encrypt|decrypt|unpack` as a user runs them: outputs and exit codes.
@Suite("hermetic image")
struct ImageCommandTests {
    final class Directory {
        let path = NSTemporaryDirectory() + "hermetic-image-cli-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    /// One ustar entry (a regular file, or a symlink when `link` is given) followed by the end-of-archive blocks.
    static func tar(_ name: String, content: [UInt8] = [], link: String? = nil) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int) { for (i, b) in text.utf8.enumerated() { header[offset + i] = b } }
        func octal(_ value: Int, _ offset: Int, _ width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: width - 1 - digits.count) + digits, offset)
        }
        put(name, 0)
        octal(0o644, 100, 8)
        octal(0, 108, 8)
        octal(0, 116, 8)
        octal(content.count, 124, 12)
        octal(0, 136, 12)
        header[156] = link == nil ? UInt8(ascii: "0") : UInt8(ascii: "2")
        if let link { put(link, 157) }
        put("ustar", 257)
        put("00", 263)
        for i in 148..<156 { header[i] = 0x20 }
        octal(header.reduce(0) { $0 + Int($1) }, 148, 7)
        return header + content + [UInt8](repeating: 0, count: (512 - content.count % 512) % 512 + 1024)
    }

    static func image(at path: String, layer: [UInt8]) throws {
        let layout = try ImageLayout.create(at: path)
        let blob = try layout.writeBlob(layer, mediaType: "application/vnd.oci.image.layer.v1.tar")
        let config = try layout.writeBlob(Array("{}".utf8), mediaType: MediaType.imageConfig)
        let manifest = #"{"schemaVersion":2,"mediaType":"\#(MediaType.imageManifest)","config":{"mediaType":"\#(config.mediaType)","digest":"\#(config.digest)","size":\#(config.size)},"layers":[{"mediaType":"\#(blob.mediaType)","digest":"\#(blob.digest)","size":\#(blob.size)}]}"#
        var descriptor = try layout.writeBlob(Array(manifest.utf8), mediaType: MediaType.imageManifest)
        descriptor.annotations = [Annotation.referenceName: "latest"]
        var index = ImageIndex()
        index.manifests = [descriptor]
        try layout.writeIndex(index)
    }

    @Test("encrypt, decrypt and unpack: exit 0, the file comes back")
    func roundTrip() throws {
        let dir = try Directory()
        try Self.image(at: dir.path + "/img", layer: Self.tar("hello.txt", content: Array("hello from cc trust plane\n".utf8)))
        let key = P256.KeyAgreement.PrivateKey()
        try Data(key.publicKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: dir.path + "/pub.pem"))
        try Data(key.pemRepresentation.utf8).write(to: URL(fileURLWithPath: dir.path + "/key.pem"))
        let encrypt = try CLIRun.hermetic(["image", "encrypt", "--src", "oci:\(dir.path)/img:latest", "--dest", "oci:\(dir.path)/enc:latest", "--recipient", "jwe:\(dir.path)/pub.pem"])
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        let decrypt = try CLIRun.hermetic(["image", "decrypt", "--src", "oci:\(dir.path)/enc:latest", "--dest", "oci:\(dir.path)/dec:latest", "--key", "\(dir.path)/key.pem"])
        #expect(decrypt.status == 0, "\(decrypt.stderr)")
        let unpack = try CLIRun.hermetic(["image", "unpack", "oci:\(dir.path)/dec:latest", "\(dir.path)/rootfs"])
        #expect(unpack.status == 0, "\(unpack.stderr)")
        #expect(FileManager.default.contents(atPath: dir.path + "/rootfs/hello.txt") == Data("hello from cc trust plane\n".utf8))
        // The encrypted image does not unpack: bad input (2), nothing created.
        let encryptedUnpack = try CLIRun.hermetic(["image", "unpack", "oci:\(dir.path)/enc:latest", "\(dir.path)/rootfs2"])
        #expect(encryptedUnpack.status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/rootfs2"))
    }

    @Test("a wrong key exits 1, bad input 2, an unreachable broker 3; nothing is written")
    func exitCodes() throws {
        let dir = try Directory()
        try Self.image(at: dir.path + "/img", layer: Self.tar("f", content: [1, 2, 3]))
        let key = P384.KeyAgreement.PrivateKey()
        try Data(key.publicKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: dir.path + "/pub.pem"))
        try Data(P384.KeyAgreement.PrivateKey().pemRepresentation.utf8).write(to: URL(fileURLWithPath: dir.path + "/wrong.pem"))
        try Data((0..<32).map { UInt8($0) }).write(to: URL(fileURLWithPath: dir.path + "/kek.bin"))
        let encrypt = try CLIRun.hermetic([
            "image", "encrypt", "--src", "oci:\(dir.path)/img", "--dest", "oci:\(dir.path)/enc", "--recipient", "jwe:\(dir.path)/pub.pem",
            "--recipient", "kbs:///default/image-kek/1", "--kek", "\(dir.path)/kek.bin",
        ])
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        let wrong = try CLIRun.hermetic(["image", "decrypt", "--src", "oci:\(dir.path)/enc", "--dest", "oci:\(dir.path)/dec", "--key", "\(dir.path)/wrong.pem"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("noUsableKey"))
        let broker = try CLIRun.hermetic(["image", "decrypt", "--src", "oci:\(dir.path)/enc", "--dest", "oci:\(dir.path)/dec", "--kbs", "http://127.0.0.1:9", "--tee", "sample"])
        #expect(broker.status == 3, "\(broker.stderr)")
        let missing = try CLIRun.hermetic(["image", "decrypt", "--src", "oci:\(dir.path)/nothing", "--dest", "oci:\(dir.path)/dec", "--key", "\(dir.path)/wrong.pem"])
        #expect(missing.status == 2)
        let recipient = try CLIRun.hermetic(["image", "encrypt", "--src", "oci:\(dir.path)/img", "--dest", "oci:\(dir.path)/x", "--recipient", "pgp:someone"])
        #expect(recipient.status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/dec"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/x"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("staging") })
    }

    @Test("unpack refuses an absolute symlink target with exit 1")
    func unpackEscape() throws {
        let dir = try Directory()
        try Self.image(at: dir.path + "/img", layer: Self.tar("passwd", link: "/etc/passwd"))
        let run = try CLIRun.hermetic(["image", "unpack", "oci:\(dir.path)/img", "\(dir.path)/rootfs"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("escape"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/rootfs"))
    }
}

@Suite("hermetic image with the key broker over HTTP")
struct ImageKeyProviderCommandTests {
    @Test("encrypt --recipient kbs:/// --kbs stores a fresh KEK; decrypt --kbs --tee sample attests and gets it back")
    func brokerRoundTrip() async throws {
        let files = try ServeFiles()
        let server = try ServeProcess(["--store", "sqlite:" + files.directory.appendingPathComponent("kbs.sqlite").path] + files.arguments)
        defer { server.stop() }
        let admin = try await AdminToken.make(privateKeyPEM: files.adminPrivateKeyPEM)
        try await KBSClient(transport: URLSessionTransport(baseURL: server.url)).setResourcePolicy(rego: "package policy\nallow := true", adminToken: admin)
        let dir = try ImageCommandTests.Directory()
        let adminKeyPath = dir.path + "/admin.pem"
        try Data(files.adminPrivateKeyPEM.utf8).write(to: URL(fileURLWithPath: adminKeyPath))
        try ImageCommandTests.image(at: dir.path + "/img", layer: ImageCommandTests.tar("secret.txt", content: Array("only in the TEE".utf8)))
        let url = server.url.absoluteString
        let encrypt = try CLIRun.hermetic([
            "image", "encrypt", "--src", "oci:\(dir.path)/img:latest", "--dest", "oci:\(dir.path)/enc:latest",
            "--recipient", "kbs:///default/image-kek/cli", "--kbs", url, "--admin-key", adminKeyPath,
        ])
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        let decrypt = try CLIRun.hermetic(["image", "decrypt", "--src", "oci:\(dir.path)/enc:latest", "--dest", "oci:\(dir.path)/dec:latest", "--kbs", url, "--tee", "sample"])
        #expect(decrypt.status == 0, "\(decrypt.stderr)")
        let unpack = try CLIRun.hermetic(["image", "unpack", "oci:\(dir.path)/dec:latest", "\(dir.path)/rootfs"])
        #expect(unpack.status == 0, "\(unpack.stderr)")
        #expect(FileManager.default.contents(atPath: dir.path + "/rootfs/secret.txt") == Data("only in the TEE".utf8))
        // Without a release policy the broker refuses: exit 3, nothing written.
        try await KBSClient(transport: URLSessionTransport(baseURL: server.url)).setResourcePolicy(rego: "package policy\nallow := false", adminToken: admin)
        let refused = try CLIRun.hermetic(["image", "decrypt", "--src", "oci:\(dir.path)/enc:latest", "--dest", "oci:\(dir.path)/dec2", "--kbs", url, "--tee", "sample"])
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/dec2"))
    }
}
