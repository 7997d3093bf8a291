#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Dispatch
import HermeticCore
import OCI

/// Decrypts the encrypted layers of an image in an OCI layout: the layer key from the first unwrapper whose annotation
/// is present and opens, the HMAC over the ciphertext checked in constant time, and the plaintext's digest checked
/// against the one the private options carry. The result has the original media types and digests.
public struct ImageDecryptor: Sendable {
    /// The unwrappers to try, in order.
    public let unwrappers: [any LayerKeyUnwrapper]

    /// Creates a decryptor.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` without an unwrapper.
    public init(unwrappers: [any LayerKeyUnwrapper]) throws {
        guard !unwrappers.isEmpty else { throw ImageCryptError(.malformed, "no decryption key given") }
        self.unwrappers = unwrappers
    }

    /// Decrypts the image `source` names into `destination`; nothing appears there unless every layer decrypted and
    /// verified.
    ///
    /// - Returns: the descriptor of the new manifest (or index).
    /// - Throws: ``ImageCryptError`` `.noUsableKey` for a wrong key, `.integrity` for an altered layer or annotation,
    ///   and others naming the layer or file at fault.
    @discardableResult
    public func decrypt(from source: LayoutReference, to destination: LayoutReference) async throws -> Descriptor {
        let sourceLayout = try ImageLayout(opening: source.directory)
        let root = try sourceLayout.resolve(tag: source.tag)
        return try await StagedLayout.write(to: destination, sourceTag: source.tag ?? root.referenceName) { staging in
            let walk = ImageWalk(source: sourceLayout, destination: staging) { layer, _, _ in
                guard layer.mediaType.hasSuffix(MediaType.encryptedSuffix) else { return nil }
                return try await decryptLayer(layer, from: sourceLayout, into: staging)
            }
            return try await walk.rewrite(root)
        }
    }

    /// The private options of an encrypted layer.
    func privateOptions(of layer: Descriptor) async throws -> PrivateLayerOptions {
        let annotations = layer.annotations ?? [:]
        var lastError: ImageCryptError?
        for unwrapper in unwrappers {
            guard let value = annotations[unwrapper.annotationKey], !value.isEmpty else { continue }
            do {
                return try PrivateLayerOptions(json: try await unwrapper.unwrap(value))
            } catch let error as ImageCryptError where error.code == .noUsableKey {
                lastError = error
            }
        }
        if let lastError { throw ImageCryptError(.noUsableKey, "layer \(layer.digest): \(lastError.message)") }
        let present = annotations.keys.filter { $0.hasPrefix("org.opencontainers.image.enc.keys.") }.sorted()
        throw ImageCryptError(
            .noUsableKey,
            present.isEmpty
                ? "layer \(layer.digest) is marked encrypted but carries no wrapped key"
                : "layer \(layer.digest) has its key wrapped only as \(present.joined(separator: ", ")), for which no key was given"
        )
    }

    /// Decrypts one layer blob into `destination`.
    func decryptLayer(_ layer: Descriptor, from source: ImageLayout, into destination: ImageLayout) async throws -> Descriptor {
        guard let publicValue = layer.annotations?[EncryptionAnnotation.publicOptions] else {
            throw ImageCryptError(.malformed, "layer \(layer.digest) has no \(EncryptionAnnotation.publicOptions) annotation")
        }
        let publicOptions = try PublicLayerOptions(annotation: publicValue)
        let options = try await privateOptions(of: layer)
        let expected: Digest
        do {
            expected = try Digest(parsing: options.digest)
        } catch {
            throw ImageCryptError(.malformed, "layer \(layer.digest): the private options' digest \"\(options.digest)\" is not sha256:<hex>")
        }
        // Two halves on two cores, chunk by chunk: the HMAC over the ciphertext, and AES-CTR with the plaintext's
        // digest and the write. The ciphertext blob's own digest is not recomputed: the HMAC, under a key only the
        // key holders have, authenticates the same bytes more strongly (the size is still checked).
        let key = [UInt8](options.symmetricKey), nonce = [UInt8](options.nonce)
        let mac = UncheckedBox(try LayerCipher(key: key, nonce: nonce, direction: .decrypt))
        let ctr = UncheckedBox(try LayerCipher(key: key, nonce: nonce, direction: .decrypt))
        let writer = UncheckedBox(try destination.makeBlobWriter())
        let failure = UncheckedBox<(any Error)?>(nil)
        var reader = try source.openBlob(layer, verifyingDigest: false)
        while let chunk = try reader.next() {
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                if half == 0 {
                    mac.value.authenticate(chunk)
                } else {
                    do {
                        try writer.value.write(try ctr.value.transform(chunk))
                    } catch {
                        failure.value = error
                    }
                }
            }
            if let error = failure.value { throw error }
        }
        guard ConstantTime.equals(mac.value.authenticationCode(), [UInt8](publicOptions.hmac)) else {
            throw ImageCryptError(.integrity, "layer \(layer.digest): the HMAC does not match; the layer or its pubopts annotation was altered")
        }
        let (digest, size) = try writer.value.finish()
        guard digest == expected else {
            throw ImageCryptError(.integrity, "layer \(layer.digest) decrypts to \(digest), its options say \(expected)")
        }
        var annotations = (layer.annotations ?? [:]).filter { !$0.key.hasPrefix(EncryptionAnnotation.prefix) }
        if annotations.isEmpty { annotations = [:] }
        var plain = Descriptor(
            mediaType: String(layer.mediaType.dropLast(MediaType.encryptedSuffix.count)), digest: digest, size: size,
            annotations: annotations.isEmpty ? nil : annotations
        )
        plain.urls = layer.urls
        return plain
    }
}

/// A mutable value handed to the two halves of a parallel step; each half touches its own box only, and
/// `concurrentPerform` returns only when both are done.
final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }
}
