import Foundation
import OCI
import OCIURLSession
import TestSupport
import Testing

extension LoopbackRegistry {
    /// A registry whose storage is in `scratch`.
    convenience init(in scratch: Scratch) throws { try self.init(storage: scratch.path) }
}

@Suite("Registry client against docker-registry", .enabled(if: Peer.find("docker-registry") != nil, "skipped: docker-registry is missing (apt-get install docker-registry; .ci/run installs it)"))
struct RegistryTests {
    @Test func pushThenPullKeepsEveryDigest() async throws {
        let scratch = try Scratch()
        let registry = try LoopbackRegistry(in: scratch)
        let layers = try TestImage.make(at: scratch.path + "/img", layerSizes: [10_000, 9_000_000])
        let client = RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true)
        let reference = try ImageReference(parsing: "\(registry.host)/hermetic/test:v1")
        try await client.push(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: reference)
        let pulled = try await client.pull(reference, into: LayoutReference(directory: scratch.path + "/pulled", tag: nil))
        let original = try ImageLayout(opening: scratch.path + "/img").resolve(tag: "latest")
        #expect(pulled.digest == original.digest)
        #expect(try TestImage.manifest(at: scratch.path + "/pulled", tag: "v1").layers == layers)
        // Pushing again finds every blob present.
        try await client.push(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: try ImageReference(parsing: "\(registry.host)/hermetic/test:v2"))
        // skopeo reads what Hermetic pushed, digest for digest.
        if Peer.skopeo != nil {
            let result = try Peer.skopeoCopy(["--src-tls-verify=false"], from: "docker://\(registry.host)/hermetic/test:v2", to: "oci:\(scratch.path)/skopeo:v2")
            #expect(result.status == 0, "\(result.output)")
            #expect(try TestImage.manifest(at: scratch.path + "/skopeo", tag: "v2").layers == layers)
        }
        // A tag that is not there: not found, nothing written.
        await #expect(throws: OCIError(.notFound, "")) {
            try await client.pull(try ImageReference(parsing: "\(registry.host)/hermetic/test:nope"), into: LayoutReference(directory: scratch.path + "/none", tag: nil))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/none"))
    }

    @Test(.enabled(if: Peer.skopeo != nil, "skipped: skopeo is missing"))
    func pullsWhatSkopeoPushed() async throws {
        let scratch = try Scratch()
        let registry = try LoopbackRegistry(in: scratch)
        let layers = try TestImage.make(at: scratch.path + "/img", layerSizes: [20_000])
        let result = try Peer.skopeoCopy(["--dest-tls-verify=false"], from: "oci:\(scratch.path)/img:latest", to: "docker://\(registry.host)/hermetic/from-skopeo:v1")
        try #require(result.status == 0, "\(result.output)")
        try await RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true).pull(try ImageReference(parsing: "\(registry.host)/hermetic/from-skopeo:v1"), into: LayoutReference(directory: scratch.path + "/pulled", tag: nil))
        #expect(try TestImage.manifest(at: scratch.path + "/pulled", tag: "v1").layers == layers)
    }
}

/// A registry in memory behind Bearer token auth, serving one layout's blobs and manifests.
private struct TokenRegistry: RegistryTransport {
    let layout: ImageLayout
    let token = "t0ken"

    func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        let path = request.url.path
        if path == "/token" {
            let query = request.url.query ?? ""
            guard query.contains("scope=repository:app:pull"), query.contains("service=fake") else { return RegistryResponse(status: 400, headers: [:], body: []) }
            return RegistryResponse(status: 200, headers: [:], body: Array("{\"token\":\"\(token)\"}".utf8))
        }
        guard request.headers["Authorization"] == "Bearer " + token else {
            return RegistryResponse(status: 401, headers: ["www-authenticate": "Bearer realm=\"http://auth.test/token\",service=\"fake\",scope=\"repository:app:pull\""], body: [])
        }
        if path.hasSuffix("/manifests/latest") {
            let descriptor = try layout.resolve(tag: "latest")
            return RegistryResponse(status: 200, headers: ["content-type": descriptor.mediaType], body: try layout.readBlob(descriptor))
        }
        if let range = path.range(of: "/blobs/") {
            let digest = try Digest(parsing: String(path[range.upperBound...]))
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: layout.blobPath(digest))))
            return RegistryResponse(status: 200, headers: [:], body: bytes)
        }
        return RegistryResponse(status: 404, headers: [:], body: [])
    }
}

@Suite("Registry client: token auth and digests")
struct RegistryAuthTests {
    @Test func bearerChallengeIsAnswered() async throws {
        let scratch = try Scratch()
        let layers = try TestImage.make(at: scratch.path + "/img", layerSizes: [3000])
        let client = RegistryClient(transport: TokenRegistry(layout: try ImageLayout(opening: scratch.path + "/img")), plainHTTP: true)
        try await client.pull(try ImageReference(parsing: "registry.test/app:latest"), into: LayoutReference(directory: scratch.path + "/pulled", tag: nil))
        #expect(try TestImage.manifest(at: scratch.path + "/pulled").layers == layers)
    }

    @Test func referencesParse() throws {
        let digest = "sha256:" + String(repeating: "a", count: 64)
        let byDigest = try ImageReference(parsing: "docker://127.0.0.1:5000/a/b@" + digest)
        #expect(byDigest.registry == "127.0.0.1:5000" && byDigest.repository == "a/b" && byDigest.reference == digest)
        #expect(try ImageReference(parsing: "localhost:5000/app").reference == "latest")
        for bad in ["app", "host/App:1", "host/a:b c", "host//a"] {
            #expect(throws: OCIError(.malformed, "")) { try ImageReference(parsing: bad) }
        }
    }
}

@Suite("hermetic gate policy --registry against docker-registry", .enabled(if: Peer.find("docker-registry") != nil, "skipped: docker-registry is missing (apt-get install docker-registry; .ci/run installs it)"))
struct GatePolicyRegistryTests {
    @Test("an image given by tag is pinned to the digest of the manifest the registry serves; an unknown tag is named")
    func pinsTags() async throws {
        let scratch = try Scratch()
        let registry = try LoopbackRegistry(in: scratch)
        _ = try TestImage.make(at: scratch.path + "/img", layerSizes: [2_000])
        let reference = try ImageReference(parsing: "\(registry.host)/library/busybox:1.36")
        try await RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true).push(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: reference)
        let expected = try ImageLayout(opening: scratch.path + "/img").resolve(tag: "latest").digest
        #expect(try await RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true).resolve(reference).description == expected)

        let pod = try scratch.file("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: app
                image: library/busybox:1.36
                command: ["httpd", "-f"]
            """)
        let hermetic = Fixtures.productsDirectory.appendingPathComponent("hermetic").path
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: hermetic)
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let (status, output) = try run(["gate", "policy", pod, "--output", scratch.path, "--registry", registry.host, "--plain-http"])
        #expect(status == 0, "\(output)")
        let policy = try String(contentsOfFile: scratch.path + "/policy.rego", encoding: .utf8)
        // policy_data is JSON text, where "/" may be written "\/".
        #expect(policy.replacingOccurrences(of: "\\/", with: "/").contains("\"library/busybox:1.36@\(expected)\""))
        // The registry may also be given as a URL, as the issue writes it.
        #expect(try run(["gate", "policy", pod, "--output", scratch.path, "--registry", "http://\(registry.host)/"]).0 == 0)
        // Without --registry the tag is refused; with a tag the registry does not have, the failure names it.
        #expect(try run(["gate", "policy", pod, "--output", scratch.path]).0 == 2)
        let missing = try scratch.file("missing.yaml", try String(contentsOfFile: pod, encoding: .utf8).replacingOccurrences(of: "1.36", with: "9.99"))
        let (missingStatus, missingOutput) = try run(["gate", "policy", missing, "--output", scratch.path, "--registry", registry.host, "--plain-http"])
        #expect(missingStatus != 0)
        #expect(missingOutput.contains("9.99"), "\(missingOutput)")
    }
}
