import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import OCI

/// Encrypts the layers of an image in an OCI layout as ocicrypt does: each selected layer under a fresh 256-bit key
/// and 16-byte nonce with ``LayerCipher``, the private options wrapped by every ``LayerKeyWrapper``, the public
/// options (with the HMAC) in the clear, and `+encrypted` appended to the media type.
public struct ImageEncryptor: Sendable {
    /// The key wrappers (one per scheme; each may hold several recipients).
    public let wrappers: [any LayerKeyWrapper]
    /// Which layers to encrypt.
    public let layers: LayerSelection

    /// Creates an encryptor.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` without a wrapper.
    public init(wrappers: [any LayerKeyWrapper], layers: LayerSelection = .all) throws {
        guard !wrappers.isEmpty else { throw ImageCryptError(.malformed, "no recipient given") }
        self.wrappers = wrappers
        self.layers = layers
    }

    /// Encrypts the image `source` names into `destination`, which is created or gains the tag; nothing appears at
    /// the destination unless every layer was encrypted.
    ///
    /// - Returns: the descriptor of the new manifest (or index).
    /// - Throws: ``ImageCryptError`` or ``OCIError`` naming the layer or file at fault.
    @discardableResult
    public func encrypt(from source: LayoutReference, to destination: LayoutReference) async throws -> Descriptor {
        let sourceLayout = try ImageLayout(opening: source.directory)
        let root = try sourceLayout.resolve(tag: source.tag)
        return try await StagedLayout.write(to: destination, sourceTag: source.tag ?? root.referenceName) { staging in
            let walk = ImageWalk(source: sourceLayout, destination: staging) { layer, position, count in
                try layers.validate(layerCount: count)
                guard layers.contains(position, of: count) else { return nil }
                return try await encryptLayer(layer, from: sourceLayout, into: staging)
            }
            return try await walk.rewrite(root)
        }
    }

    /// Encrypts one layer blob into `destination`.
    func encryptLayer(_ layer: Descriptor, from source: ImageLayout, into destination: ImageLayout) async throws -> Descriptor {
        guard !layer.mediaType.hasSuffix(MediaType.encryptedSuffix) else {
            throw ImageCryptError(.unsupported, "layer \(layer.digest) is already encrypted")
        }
        guard layer.annotations?.keys.contains(where: { $0.hasPrefix(EncryptionAnnotation.prefix) }) != true else {
            throw ImageCryptError(.malformed, "layer \(layer.digest) carries encryption annotations but is not marked encrypted")
        }
        guard layer.mediaType.hasPrefix("application/vnd.oci.image.layer.") else {
            throw ImageCryptError(
                .unsupported,
                "layer \(layer.digest) has media type \(layer.mediaType); ocicrypt encrypts OCI layers (convert first: skopeo copy --format oci)"
            )
        }
        let expected = try layer.parsedDigest()
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) }
        let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        // Two cores, one chunk apart: the plaintext digest of chunk i and the HMAC of ciphertext i-1 on one, AES-CTR
        // of chunk i and its write (with the ciphertext digest) on the other.
        let mac = UncheckedBox(try LayerCipher(key: key, nonce: nonce, direction: .encrypt))
        let ctr = UncheckedBox(try LayerCipher(key: key, nonce: nonce, direction: .encrypt))
        let plainDigest = UncheckedBox(SHA256())
        let previous = UncheckedBox(Data())
        let writer = UncheckedBox(try destination.makeBlobWriter())
        let failure = UncheckedBox<(any Error)?>(nil)
        var reader = try source.openBlob(layer, verifyingDigest: false)
        while let chunk = try reader.next() {
            let last = previous.value
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                if half == 0 {
                    plainDigest.value.update(data: chunk)
                    mac.value.authenticate(last)
                } else {
                    do {
                        let output = try ctr.value.transform(chunk)
                        try writer.value.write(output)
                        previous.value = output
                    } catch {
                        failure.value = error
                    }
                }
            }
            if let error = failure.value { throw error }
        }
        mac.value.authenticate(previous.value)
        let actual = Digest(plainDigest.value.finalize())
        guard actual == expected else {
            throw OCIError(.digestMismatch, "blob \(expected) does not match its digest (content hashes to \(actual))")
        }
        let cipher = mac.value
        let (digest, size) = try writer.value.finish()
        let privateOptions = try PrivateLayerOptions(symmetricKey: Data(key), digest: layer.digest, nonce: Data(nonce)).encoded()
        var annotations = layer.annotations ?? [:]
        for wrapper in wrappers {
            let value = try await wrapper.wrap(privateOptions)
            annotations[wrapper.annotationKey] = annotations[wrapper.annotationKey].map { $0 + "," + value } ?? value
        }
        annotations[EncryptionAnnotation.publicOptions] = try PublicLayerOptions(hmac: Data(cipher.authenticationCode())).annotation()
        var encrypted = Descriptor(mediaType: layer.mediaType + MediaType.encryptedSuffix, digest: digest, size: size, annotations: annotations)
        encrypted.urls = layer.urls
        return encrypted
    }
}
