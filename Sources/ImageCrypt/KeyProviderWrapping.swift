/// Where the key provider's key-encryption keys come from when decrypting: in a guest, the key broker after
/// attestation; in tests, anything.
public protocol KeyEncryptionKeySource: Sendable {
    /// The 32-byte KEK stored at `resourcePath` (`repo/type/tag`).
    ///
    /// - Throws: ``ImageCryptError`` `.keyProvider` when it cannot be had.
    func keyEncryptionKey(at resourcePath: String) async throws -> [UInt8]
}

/// The Confidential Containers key provider on the encrypting side (as `coco_keyprovider` does): the private options
/// wrapped with AES-256-GCM under a KEK the caller holds and the broker keeps at `kid`, as an AnnotationPacket in
/// `org.opencontainers.image.enc.keys.provider.attestation-agent`.
public struct KeyProviderWrapper: LayerKeyWrapper {
    /// The KEK's resource URI, `kbs:///repo/type/tag`.
    public let kid: String
    private let kek: [UInt8]

    /// A wrapper for the KEK `kek` kept at `kid`.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` for a KEK that is not 32 bytes or a `kid` that is not a kbs URI.
    public init(kid: String, kek: [UInt8]) throws {
        _ = try KeyProviderPacket.resourcePath(of: kid)
        guard kek.count == 32 else { throw ImageCryptError(.malformed, "the key-encryption key is \(kek.count) bytes, AES-256 needs 32") }
        self.kid = kid
        self.kek = kek
    }

    /// `org.opencontainers.image.enc.keys.provider.attestation-agent`.
    public var annotationKey: String { EncryptionAnnotation.attestationAgent }

    /// Wraps the options under the KEK with a fresh IV.
    public func wrap(_ privateOptions: [UInt8]) async throws -> String {
        try KeyProviderPacket(wrapping: privateOptions, kek: kek, kid: kid).annotation()
    }
}

/// The Confidential Containers key provider on the decrypting side: the KEK named by the packet's `kid` from a
/// ``KeyEncryptionKeySource`` (the broker, after attestation), then AES-256-GCM.
public struct KeyProviderUnwrapper: LayerKeyUnwrapper {
    /// Where KEKs come from.
    public let source: any KeyEncryptionKeySource

    /// An unwrapper fetching KEKs from `source`.
    public init(source: any KeyEncryptionKeySource) {
        self.source = source
    }

    /// `org.opencontainers.image.enc.keys.provider.attestation-agent`.
    public var annotationKey: String { EncryptionAnnotation.attestationAgent }

    /// Reads the packet, fetches its KEK and unwraps.
    public func unwrap(_ annotationValue: String) async throws -> [UInt8] {
        let packet = try KeyProviderPacket(annotation: annotationValue)
        return try packet.unwrap(kek: try await source.keyEncryptionKey(at: try packet.resourcePath()))
    }
}
