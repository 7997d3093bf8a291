import Foundation
import HermeticCore
import OCI
import OCIURLSession
import TestSupport
import Testing

/// An OCI index with two platform manifests pushed to docker-registry, pulled whole or one platform at a time, with
/// skopeo reading the same registry as the peer.
@Suite("Multi-platform index against docker-registry", .enabled(if: Peer.find("docker-registry") != nil, "skipped: docker-registry is missing (apt-get install docker-registry; .ci/run installs it)"))
struct MultiPlatformRegistryTests {
    /// `oci:<scratch>/multi:latest`, an index naming an amd64 and an arm64/v8 image; returns both manifests' descriptors
    /// and the index's.
    static func makeIndex(in scratch: Scratch) throws -> (amd64: Descriptor, arm64: Descriptor, index: Descriptor) {
        let directory = scratch.path + "/multi"
        try TestImage.make(at: directory, layerSizes: [12_000])
        try TestImage.make(at: scratch.path + "/arm", layerSizes: [7_000, 3_000])
        let layout = try ImageLayout(opening: directory)
        let arm = try ImageLayout(opening: scratch.path + "/arm")
        var amd64 = try layout.resolve(tag: "latest")
        var arm64 = try arm.resolve(tag: "latest")
        let armManifest = try Manifest(json: try arm.readBlob(arm64))
        for blob in [armManifest.config] + armManifest.layers + [arm64] {
            _ = try layout.writeBlob(try arm.readBlob(blob), mediaType: blob.mediaType)
        }
        amd64.annotations = nil
        arm64.annotations = nil
        amd64.platform = .object(["os": .string("linux"), "architecture": .string("amd64")])
        arm64.platform = .object(["os": .string("linux"), "architecture": .string("arm64"), "variant": .string("v8")])
        var platforms = ImageIndex()
        platforms.manifests = [amd64, arm64]
        var index = try layout.writeBlob(try platforms.encoded(), mediaType: MediaType.imageIndex)
        index.annotations = [Annotation.referenceName: "latest"]
        var top = ImageIndex()
        top.manifests = [index]
        try layout.writeIndex(top)
        index.annotations = nil
        return (amd64, arm64, index)
    }

    @Test("push an index; pull --platform picks each manifest by digest; an absent platform is named; skopeo agrees")
    func platformSelection() async throws {
        let scratch = try Scratch()
        let registry = try LoopbackRegistry(in: scratch)
        let made = try Self.makeIndex(in: scratch)
        let client = RegistryClient(transport: URLSessionRegistryTransport(), plainHTTP: true)
        let reference = try ImageReference(parsing: "\(registry.host)/hermetic/multi:v1")
        try await client.push(from: LayoutReference(directory: scratch.path + "/multi", tag: "latest"), to: reference)
        #expect(try await client.resolve(reference).description == made.index.digest)

        let arm = try await client.pull(reference, into: LayoutReference(directory: scratch.path + "/arm64", tag: nil), platform: Platform(parsing: "linux/arm64"))
        #expect(arm.digest == made.arm64.digest)
        let pulledArm = try ImageLayout(opening: scratch.path + "/arm64")
        #expect(try pulledArm.resolve(tag: "v1").digest == made.arm64.digest)
        #expect(try Manifest(json: try pulledArm.readBlob(arm)).layers.count == 2)
        #expect(!pulledArm.hasBlob(try Digest(parsing: made.amd64.digest)))

        let amd = try await client.pull(reference, into: LayoutReference(directory: scratch.path + "/amd64", tag: nil), platform: Platform(parsing: "linux/amd64"))
        #expect(amd.digest == made.amd64.digest)
        let v7 = await #expect(throws: OCIError.self) {
            try await client.pull(reference, into: LayoutReference(directory: scratch.path + "/v7", tag: nil), platform: Platform(parsing: "linux/arm64/v7"))
        }
        #expect(v7?.message.contains("no manifest for linux/arm64/v7 (it has linux/amd64, linux/arm64/v8)") == true, "\(v7?.message ?? "")")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/v7"))
        #expect(throws: OCIError.self) { try Platform(parsing: "linux") }

        // Without a platform: the whole index, both manifests.
        let whole = try await client.pull(reference, into: LayoutReference(directory: scratch.path + "/whole", tag: nil))
        #expect(whole.digest == made.index.digest)
        let wholeLayout = try ImageLayout(opening: scratch.path + "/whole")
        let both = [try Digest(parsing: made.amd64.digest), try Digest(parsing: made.arm64.digest)]
        #expect(both.allSatisfy { wholeLayout.hasBlob($0) })

        // The CLI's --platform.
        let hermetic = Fixtures.productsDirectory.appendingPathComponent("hermetic").path
        let cli = try Peer.run(hermetic, ["image", "pull", "--plain-http", "--platform", "linux/arm64", "\(registry.host)/hermetic/multi:v1", "oci:\(scratch.path)/cli:arm"])
        #expect(cli.status == 0, "\(cli.output)")
        #expect(cli.output.contains(made.arm64.digest))
        let badPlatform = try Peer.run(hermetic, ["image", "pull", "--plain-http", "--platform", "arm64", "\(registry.host)/hermetic/multi:v1", "oci:\(scratch.path)/cli2"])
        #expect(badPlatform.status == 2)
        #expect(badPlatform.output.contains("os/architecture"))

        // skopeo, the peer, picks the same manifest for arm64 and sees the same index.
        if let skopeo = Peer.skopeo {
            let raw = try Peer.run(skopeo, ["inspect", "--raw", "--tls-verify=false", "docker://\(registry.host)/hermetic/multi:v1"])
            #expect(raw.status == 0, "\(raw.output)")
            #expect(Digest(of: Array(raw.output.utf8)).description == made.index.digest)
            let copied = try Peer.skopeoCopy(["--src-tls-verify=false", "--override-arch", "arm64", "--override-variant", "v8"],
                                             from: "docker://\(registry.host)/hermetic/multi:v1", to: "oci:\(scratch.path)/skopeo:arm")
            #expect(copied.status == 0, "\(copied.output)")
            #expect(try ImageLayout(opening: scratch.path + "/skopeo").resolve(tag: "arm").digest == made.arm64.digest)
        }
    }
}
