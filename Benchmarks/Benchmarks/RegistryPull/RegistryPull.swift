import Benchmark
import Foundation
import OCI
import OCIHTTPClient

/// Pulling a 64 MiB single-layer image from docker-registry serving TLS with a certificate from a CA made for the
/// run (openssl), the CA given as `--ca-file`: Hermetic's client on the TLS transport (blobs in 8 MiB ranges, digests
/// checked while streaming, the layout published whole) against `skopeo copy --src-cert-dir` from the same registry
/// in the same run. The registry, the certificates, the image and its push are set up outside the measured closures.
private struct Fixture: Sendable {
    static let layerBytes = 64 << 20

    let directory: String
    let host: String
    let caFile: String
    let registry: Int32

    static func make() async throws -> Fixture {
        let directory = NSTemporaryDirectory() + "hermetic-registrybench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let caFile = directory + "/certs/ca.crt"
        try FileManager.default.createDirectory(atPath: directory + "/certs", withIntermediateDirectories: true)
        try Data("subjectAltName = IP:127.0.0.1\nbasicConstraints = critical, CA:FALSE\nextendedKeyUsage = serverAuth\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/server.ext"))
        try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", directory + "/ca.key",
                                      "-out", caFile, "-days", "2", "-subj", "/CN=Hermetic benchmark CA", "-addext", "basicConstraints=critical,CA:TRUE",
                                      "-addext", "keyUsage=critical,keyCertSign"])
        try run("/usr/bin/openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", directory + "/server.key",
                                      "-out", directory + "/server.csr", "-subj", "/CN=127.0.0.1"])
        try run("/usr/bin/openssl", ["x509", "-req", "-in", directory + "/server.csr", "-CA", caFile, "-CAkey", directory + "/ca.key", "-CAcreateserial",
                                      "-out", directory + "/server.pem", "-days", "2", "-extfile", directory + "/server.ext"])
        let host = "127.0.0.1:\(Int.random(in: 20_000...50_000))"
        try Data("""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(directory)/registry-data
            http:
              addr: \(host)
              tls:
                certificate: \(directory)/server.pem
                key: \(directory)/server.key
            """.utf8).write(to: URL(fileURLWithPath: directory + "/registry.yml"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory + "/registry.yml"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let fixture = Fixture(directory: directory, host: host, caFile: caFile, registry: process.processIdentifier)
        try fixture.writeImage()
        try await TLSRegistryTransport.withTransport(caFiles: [caFile]) { transport in
            for _ in 0..<100 {
                if let url = URL(string: "https://\(host)/v2/"), (try? await transport.send(RegistryRequest(method: "GET", url: url)))?.status == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await RegistryClient(transport: transport).push(from: LayoutReference(directory: directory + "/image", tag: "latest"), to: fixture.reference)
        }
        return fixture
    }

    var reference: ImageReference {
        get throws { try ImageReference(parsing: "\(host)/bench/pull:v1") }
    }

    /// One layer of random bytes (an uncompressed-layer media type: neither client looks inside).
    func writeImage() throws {
        let layout = try ImageLayout.create(at: directory + "/image")
        let writer = try layout.makeBlobWriter()
        var generator = SystemRandomNumberGenerator()
        var block = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<(Self.layerBytes >> 20) {
            block.withUnsafeMutableBytes { raw in
                for word in 0..<(raw.count / 8) { raw.storeBytes(of: generator.next() as UInt64, toByteOffset: word * 8, as: UInt64.self) }
            }
            try writer.write(block)
        }
        let (digest, size) = try writer.finish()
        let layer = Descriptor(mediaType: "application/vnd.oci.image.layer.v1.tar", digest: digest, size: size)
        let config = try layout.writeBlob(Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(digest)"]}}"#.utf8), mediaType: MediaType.imageConfig)
        let encode = { (descriptor: Descriptor) in String(decoding: try JSONEncoder().encode(descriptor), as: UTF8.self) }
        let manifestJSON = #"{"schemaVersion":2,"mediaType":"\#(MediaType.imageManifest)","config":\#(try encode(config)),"layers":[\#(try encode(layer))]}"#
        var manifest = try layout.writeBlob(Array(manifestJSON.utf8), mediaType: MediaType.imageManifest)
        manifest.annotations = [Annotation.referenceName: "latest"]
        var index = ImageIndex()
        index.manifests = [manifest]
        try layout.writeIndex(index)
    }

    func pull(to name: String, transport: TLSRegistryTransport) async throws {
        try await RegistryClient(transport: transport).pull(try reference, into: LayoutReference(directory: directory + "/" + name, tag: nil))
    }

    func skopeoPull(to name: String) throws {
        try Self.run("/usr/bin/skopeo", ["copy", "--quiet", "--insecure-policy", "--src-cert-dir", directory + "/certs",
                                         "docker://\(host)/bench/pull:v1", "oci:\(directory)/\(name):v1"])
    }

    func remove(_ name: String) {
        try? FileManager.default.removeItem(atPath: directory + "/" + name)
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OCIError(.io, "\(tool) \(arguments.first ?? "") failed with \(process.terminationStatus)") }
    }
}

private actor Shared {
    static let instance = Shared()
    private var fixture: Fixture?

    func get() async throws -> Fixture {
        if let fixture { return fixture }
        let made = try await Fixture.make()
        fixture = made
        return made
    }

    /// Stops the registry and removes the directory.
    func remove() {
        if let fixture {
            kill(fixture.registry, SIGTERM)
            try? FileManager.default.removeItem(atPath: fixture.directory)
        }
        fixture = nil
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident], timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 10
    )
    Benchmark.teardown = { await Shared.instance.remove() }

    Benchmark("Hermetic pull 64 MiB over TLS (--ca-file)") { benchmark in
        let fixture = try await Shared.instance.get()
        let transport = try TLSRegistryTransport(caFiles: [fixture.caFile])
        var names: [String] = []
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            let name = "pull-\(iteration)-\(UUID().uuidString)"
            try await fixture.pull(to: name, transport: transport)
            names.append(name)
        }
        benchmark.stopMeasurement()
        try await transport.shutdown()
        names.forEach(fixture.remove)
    }

    Benchmark("skopeo copy 64 MiB over TLS (peer)") { benchmark in
        let fixture = try await Shared.instance.get()
        var names: [String] = []
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            let name = "skopeo-\(iteration)-\(UUID().uuidString)"
            try fixture.skopeoPull(to: name)
            names.append(name)
        }
        benchmark.stopMeasurement()
        names.forEach(fixture.remove)
    }
}
