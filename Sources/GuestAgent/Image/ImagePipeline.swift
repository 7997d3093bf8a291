#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Gate
import GuestAttester
import ImageCrypt
import ImageUnpack
import KBSClient
import OCI

/// The pod's images, as a confidential guest gets them: pulled through the forwarded registry port, every layer
/// decrypted with its key from the broker (the Confidential Containers key provider: the KEK released only to this
/// attested guest), unpacked with escapes refused, and laid out as a runc bundle `<bundles>/<container>/` (a
/// `config.json` from ``RuntimeBundle`` and the `rootfs`). The pulled and decrypted layouts are removed once the
/// root is in place, so the guest's memory holds one copy.
public struct ImagePipeline: PodRuntime {
    /// How the registry is reached.
    public let transport: any RegistryTransport
    /// Where pulled and decrypted layouts are staged.
    public let work: String
    /// Where bundles go.
    public let bundles: String
    /// The platform pulled from an index.
    public let platform: Platform

    /// A pipeline.
    public init(transport: any RegistryTransport, work: String = "/run/hermetic/images", bundles: String = "/run/hermetic/bundles",
                platform: Platform = Platform(os: "linux", architecture: "amd64")) {
        self.transport = transport
        self.work = work
        self.bundles = bundles
        self.platform = platform
    }

    /// The bundle directory of `container`.
    public func bundle(for container: String) -> String { bundles + "/" + container }

    public func prepare(image: String, container: String, keys: KBSSession) async throws -> String {
        guard !container.isEmpty, !container.contains("/"), !container.hasPrefix(".") else {
            throw GuestAttesterError(.badInput, "container name \(container) cannot name a bundle")
        }
        let reference = try ImageReference(parsing: image)
        let manager = FileManager.default
        let stage = work + "/" + container
        try? manager.removeItem(atPath: stage)
        try manager.createDirectory(atPath: stage, withIntermediateDirectories: true)
        defer { try? manager.removeItem(atPath: stage) }
        let pulled = LayoutReference(directory: stage + "/pulled", tag: nil)
        let plain = LayoutReference(directory: stage + "/plain", tag: nil)
        let top = try await RegistryClient(transport: transport, plainHTTP: true).pull(reference, into: pulled, platform: platform)
        try await ImageDecryptor(unwrappers: [KeyProviderUnwrapper(source: SessionKeySource(session: keys))]).decrypt(from: pulled, to: plain)
        try? manager.removeItem(atPath: pulled.directory)
        let bundle = bundle(for: container)
        try? manager.removeItem(atPath: bundle)
        try manager.createDirectory(atPath: bundle, withIntermediateDirectories: true)
        try ImageUnpacker().unpack(from: plain, to: bundle + "/rootfs")
        try RuntimeBundle.write(into: bundle)
        return reference.reference.hasPrefix("sha256:") ? reference.reference : top.digest.description
    }
}
