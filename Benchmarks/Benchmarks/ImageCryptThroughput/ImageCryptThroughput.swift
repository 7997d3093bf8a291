import Benchmark
import Crypto
import Foundation
import ImageCrypt
import JOSE
import OCI

/// One 256 MiB layer (a gzip member of stored blocks over random bytes, so skopeo keeps it as it is) in an OCI layout,
/// encrypted once for a P-256 recipient, all built outside the measured closures. Hermetic's encryption and
/// decryption run in process over the layouts on disk (read, cipher, HMAC, digests, write, fsync); skopeo decrypts the
/// same encrypted image in the same run (`skopeo copy --decryption-key`, one process per iteration).
private struct Fixture: Sendable {
    static let layerBytes = 256 << 20

    let directory: String
    let privateKeyPath: String
    let privateKey: PrivateJWK
    let recipient: PublicJWK

    static func make() throws -> Fixture {
        let directory = NSTemporaryDirectory() + "hermetic-imagebench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = P256.KeyAgreement.PrivateKey()
        let privateKeyPath = directory + "/key.pem"
        try Data(key.pemRepresentation.utf8).write(to: URL(fileURLWithPath: privateKeyPath))
        let fixture = Fixture(
            directory: directory, privateKeyPath: privateKeyPath, privateKey: try PrivateJWK(pem: key.pemRepresentation),
            recipient: try PublicJWK(pem: key.publicKey.pemRepresentation)
        )
        try fixture.writePlainImage()
        return fixture
    }

    func writePlainImage() throws {
        let layout = try ImageLayout.create(at: directory + "/plain")
        let writer = try layout.makeBlobWriter()
        try writer.write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255] as [UInt8])
        var generator = SystemRandomNumberGenerator()
        var crc = CRC32()
        var remaining = Self.layerBytes
        var block = [UInt8](repeating: 0, count: 65535)
        while remaining > 0 {
            let length = min(65535, remaining)
            for position in 0..<length where position % 8 == 0 {
                var word = generator.next() as UInt64
                for offset in 0..<min(8, length - position) {
                    block[position + offset] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                }
            }
            remaining -= length
            let header: [UInt8] = [remaining == 0 ? 1 : 0, UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8((~length >> 8) & 0xff)]
            try writer.write(header)
            let slice = Array(block[0..<length])
            crc.update(slice)
            try writer.write(slice)
        }
        var trailer: [UInt8] = []
        for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8((crc.value >> UInt32(shift)) & 0xff)) }
        for shift in stride(from: 0, to: 32, by: 8) { trailer.append(UInt8((UInt32(truncatingIfNeeded: Self.layerBytes) >> UInt32(shift)) & 0xff)) }
        try writer.write(trailer)
        let (digest, size) = try writer.finish()
        let layer = Descriptor(mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: digest, size: size)
        let config = try layout.writeBlob(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8), mediaType: MediaType.imageConfig)
        let manifestJSON = #"{"schemaVersion":2,"mediaType":"\#(MediaType.imageManifest)","config":\#(String(decoding: try JSONEncoder().encode(config), as: UTF8.self)),"layers":[\#(String(decoding: try JSONEncoder().encode(layer), as: UTF8.self))]}"#
        var manifest = try layout.writeBlob(Array(manifestJSON.utf8), mediaType: MediaType.imageManifest)
        manifest.annotations = [Annotation.referenceName: "latest"]
        var index = ImageIndex()
        index.manifests = [manifest]
        try layout.writeIndex(index)
    }

    func encrypt(to name: String) async throws {
        try await ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: [recipient])])
            .encrypt(from: LayoutReference(directory: directory + "/plain", tag: "latest"), to: LayoutReference(directory: directory + "/" + name, tag: "latest"))
    }

    func decrypt(to name: String) async throws {
        try await ImageDecryptor(unwrappers: [JWEKeyUnwrapper(keys: [privateKey])])
            .decrypt(from: LayoutReference(directory: directory + "/encrypted", tag: "latest"), to: LayoutReference(directory: directory + "/" + name, tag: "latest"))
    }

    func skopeoDecrypt(to name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/skopeo")
        process.arguments = [
            "copy", "--quiet", "--insecure-policy", "--decryption-key", privateKeyPath,
            "oci:\(directory)/encrypted:latest", "oci:\(directory)/\(name):latest",
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ImageCryptError(.malformed, "skopeo failed with \(process.terminationStatus)") }
    }

    func remove(_ name: String) {
        try? FileManager.default.removeItem(atPath: directory + "/" + name)
    }
}

private struct CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private var state: UInt32 = 0xffff_ffff
    var value: UInt32 { state ^ 0xffff_ffff }

    mutating func update(_ bytes: [UInt8]) {
        for byte in bytes { state = Self.table[Int((state ^ UInt32(byte)) & 0xff)] ^ (state >> 8) }
    }
}

private actor Shared {
    static let instance = Shared()
    private var fixture: Fixture?

    func get() async throws -> Fixture {
        if let fixture { return fixture }
        let made = try Fixture.make()
        try await made.encrypt(to: "encrypted")
        fixture = made
        return made
    }

    /// Removes the fixture's directory (the layers take about 800 MiB).
    func remove() {
        if let fixture { try? FileManager.default.removeItem(atPath: fixture.directory) }
        fixture = nil
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 5
    )
    Benchmark.teardown = { await Shared.instance.remove() }

    Benchmark("Hermetic encrypt 256 MiB layer") { benchmark in
        let fixture = try await Shared.instance.get()
        var names: [String] = []
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            let name = "enc-\(iteration)-\(UUID().uuidString)"
            try await fixture.encrypt(to: name)
            names.append(name)
        }
        benchmark.stopMeasurement()
        names.forEach(fixture.remove)
    }

    Benchmark("Hermetic decrypt 256 MiB layer") { benchmark in
        let fixture = try await Shared.instance.get()
        var names: [String] = []
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            let name = "dec-\(iteration)-\(UUID().uuidString)"
            try await fixture.decrypt(to: name)
            names.append(name)
        }
        benchmark.stopMeasurement()
        names.forEach(fixture.remove)
    }

    Benchmark("skopeo decrypt 256 MiB layer (peer)") { benchmark in
        let fixture = try await Shared.instance.get()
        var names: [String] = []
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            let name = "skopeo-\(iteration)-\(UUID().uuidString)"
            try fixture.skopeoDecrypt(to: name)
            names.append(name)
        }
        benchmark.stopMeasurement()
        names.forEach(fixture.remove)
    }
}
