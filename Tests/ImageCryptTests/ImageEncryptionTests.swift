import Foundation
import HermeticCore
import ImageCrypt
import JOSE
import OCI
import Testing

@Suite("Image encryption: round trips, negatives")
struct ImageEncryptionTests {
    func encrypt(_ scratch: Scratch, for keys: [TestKey], layers: LayerSelection = .all, sizes: [Int] = [70_000, 1_500_000]) async throws -> [Descriptor] {
        let original = try TestImage.make(at: scratch.path + "/img", layerSizes: sizes)
        let recipients = try keys.map { try PublicJWK(pem: $0.publicPEM) }
        try await ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: recipients)], layers: layers)
            .encrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/img:latest"), to: try LayoutReference(parsing: "oci:\(scratch.path)/enc:latest"))
        return original
    }

    func decrypt(_ scratch: Scratch, with key: TestKey, from source: String = "enc", to destination: String = "dec") async throws {
        try await ImageDecryptor(unwrappers: [JWEKeyUnwrapper(keys: [try PrivateJWK(pem: key.privatePEM)])])
            .decrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/\(source):latest"), to: try LayoutReference(parsing: "oci:\(scratch.path)/\(destination):latest"))
    }

    @Test(arguments: TestKey.Kind.allCases)
    func roundTrip(kind: TestKey.Kind) async throws {
        let scratch = try Scratch()
        let key = try TestKey(kind, in: scratch)
        let original = try await encrypt(scratch, for: [key])
        let encrypted = try TestImage.manifest(at: scratch.path + "/enc")
        for (layer, plain) in zip(encrypted.layers, original) {
            #expect(layer.mediaType == plain.mediaType + "+encrypted")
            #expect(layer.digest != plain.digest)
            #expect(layer.annotations?[EncryptionAnnotation.jwe] != nil)
            #expect(layer.annotations?[EncryptionAnnotation.publicOptions] != nil)
        }
        try await decrypt(scratch, with: key)
        let decrypted = try TestImage.manifest(at: scratch.path + "/dec")
        #expect(decrypted.layers == original)
    }

    @Test func severalRecipientsEachDecrypt() async throws {
        let scratch = try Scratch()
        let keys = [try TestKey(.rsa, in: scratch), try TestKey(.p384, in: scratch), try TestKey(.p256, in: scratch)]
        let original = try await encrypt(scratch, for: keys, sizes: [40_000])
        for (position, key) in keys.enumerated() {
            try await decrypt(scratch, with: key, to: "dec\(position)")
            #expect(try TestImage.manifest(at: scratch.path + "/dec\(position)").layers == original)
        }
    }

    @Test func selectedLayersOnly() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.p256, in: scratch)
        let original = try await encrypt(scratch, for: [key], layers: .indices([-1]), sizes: [1000, 2000, 3000])
        let encrypted = try TestImage.manifest(at: scratch.path + "/enc")
        #expect(encrypted.layers[0] == original[0])
        #expect(encrypted.layers[1] == original[1])
        #expect(encrypted.layers[2].mediaType.hasSuffix("+encrypted"))
        await #expect(throws: ImageCryptError(.malformed, "")) {
            try await ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: [try PublicJWK(pem: key.publicPEM)])], layers: .indices([3]))
                .encrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/img:latest"), to: try LayoutReference(parsing: "oci:\(scratch.path)/x"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/x"))
    }

    @Test func wrongKeyIsRejectedAndNothingWritten() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.rsa, in: scratch, name: "right")
        _ = try await encrypt(scratch, for: [key])
        let before = try scratch.entries()
        for wrong in [try TestKey(.rsa, in: scratch, name: "wrong-rsa"), try TestKey(.p256, in: scratch, name: "wrong-ec")] {
            await #expect(throws: ImageCryptError(.noUsableKey, "")) { try await decrypt(scratch, with: wrong) }
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/dec"))
        #expect(try scratch.entries().filter { !$0.hasSuffix(".pem") } == before.filter { !$0.hasSuffix(".pem") })
    }

    @Test func tamperedLayerFailsTheHMAC() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.p256, in: scratch)
        _ = try await encrypt(scratch, for: [key])
        // A flipped ciphertext byte, re-addressed so the blob digest matches: only the HMAC can catch it.
        try TestImage.editManifest(at: scratch.path + "/enc") { manifest, layout in
            let layer = manifest.layers[1]
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: layout.blobPath(try layer.parsedDigest()))))
            bytes[bytes.count / 2] ^= 0x01
            let tampered = try layout.writeBlob(bytes, mediaType: layer.mediaType)
            manifest.layers[1].digest = tampered.digest
        }
        await #expect(throws: ImageCryptError(.integrity, "")) { try await decrypt(scratch, with: key) }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/dec"))
        #expect(try scratch.entries().allSatisfy { !$0.contains("staging") })
    }

    @Test func blobAlteredInPlaceFailsTheHMAC() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.p256, in: scratch)
        _ = try await encrypt(scratch, for: [key])
        let layer = try TestImage.manifest(at: scratch.path + "/enc").layers[0]
        let path = try ImageLayout(opening: scratch.path + "/enc").blobPath(try layer.parsedDigest())
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[10] ^= 0x80
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // Decryption authenticates the ciphertext with the HMAC rather than recomputing its digest.
        await #expect(throws: ImageCryptError(.integrity, "")) { try await decrypt(scratch, with: key) }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/dec"))
    }

    /// Encrypts a fresh image, applies `change` to its manifest, and expects decryption to fail with `expected`
    /// leaving nothing at the destination.
    func expectTampering(_ expected: ImageCryptError, _ change: (inout Manifest, ImageLayout) throws -> Void) async throws {
        let scratch = try Scratch()
        let key = try TestKey(.rsa, in: scratch)
        _ = try await encrypt(scratch, for: [key], sizes: [3000])
        try TestImage.editManifest(at: scratch.path + "/enc", change)
        await #expect(throws: expected) { try await decrypt(scratch, with: key) }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/dec"))
        #expect(try scratch.entries().allSatisfy { !$0.contains("staging") })
    }

    @Test func tamperedPublicOptionsFailTheHMAC() async throws {
        try await expectTampering(ImageCryptError(.integrity, "")) { manifest, _ in
            manifest.layers[0].annotations?[EncryptionAnnotation.publicOptions] = try PublicLayerOptions(hmac: Data(repeating: 7, count: 32)).annotation()
        }
    }

    @Test func tamperedJWEDoesNotOpen() async throws {
        try await expectTampering(ImageCryptError(.noUsableKey, "")) { manifest, _ in
            let value = try #require(manifest.layers[0].annotations?[EncryptionAnnotation.jwe])
            let data = try #require(Data(base64Encoded: value))
            var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let text = try #require(json["ciphertext"] as? String)
            var ciphertext = try #require(Base64.decode(text))
            ciphertext[0] ^= 1
            json["ciphertext"] = Base64.encodeURL(ciphertext)
            manifest.layers[0].annotations?[EncryptionAnnotation.jwe] = try JSONSerialization.data(withJSONObject: json).base64EncodedString()
        }
    }

    @Test func garbageAnnotationsAreBadInput() async throws {
        try await expectTampering(ImageCryptError(.malformed, "")) { manifest, _ in
            manifest.layers[0].annotations?[EncryptionAnnotation.jwe] = "%%%"
        }
        try await expectTampering(ImageCryptError(.unsupported, "")) { manifest, _ in
            manifest.layers[0].annotations?[EncryptionAnnotation.publicOptions] = Data(#"{"cipher":"AES_256_GCM","hmac":""}"#.utf8).base64EncodedString()
        }
        try await expectTampering(ImageCryptError(.noUsableKey, "")) { manifest, _ in
            manifest.layers[0].annotations?[EncryptionAnnotation.jwe] = nil
        }
    }

    @Test func corruptSourceLayerAndDockerLayersAreRefused() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.p256, in: scratch)
        let layers = try TestImage.make(at: scratch.path + "/img", layerSizes: [3000, 2_500_000])
        let wrapper = JWEKeyWrapper(recipients: [try PublicJWK(pem: key.publicPEM)])
        // A layer whose bytes no longer match its digest: found while encrypting, nothing published.
        let path = try ImageLayout(opening: scratch.path + "/img").blobPath(try layers[1].parsedDigest())
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 100] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        await #expect(throws: OCIError(.digestMismatch, "")) {
            try await ImageEncryptor(wrappers: [wrapper]).encrypt(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: LayoutReference(directory: scratch.path + "/enc", tag: nil))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/enc"))
        // A Docker layer media type: ocicrypt encrypts OCI layers only.
        try TestImage.editManifest(at: scratch.path + "/img") { manifest, _ in
            manifest.layers[0].mediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip"
        }
        await #expect(throws: ImageCryptError(.unsupported, "")) {
            try await ImageEncryptor(wrappers: [wrapper], layers: .indices([0])).encrypt(from: LayoutReference(directory: scratch.path + "/img", tag: "latest"), to: LayoutReference(directory: scratch.path + "/enc", tag: nil))
        }
        #expect(try scratch.entries().allSatisfy { !$0.contains("staging") && $0 != "enc" })
    }

    @Test func existingDestinationGainsTheTag() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.p256, in: scratch)
        let original = try await encrypt(scratch, for: [key])
        try await decrypt(scratch, with: key, to: "img")
        let layout = try ImageLayout(opening: scratch.path + "/img")
        #expect(try layout.index().manifests.count == 1)
        #expect(try TestImage.manifest(at: scratch.path + "/img").layers == original)
    }

    @Test func unknownSourceTagIsNamed() async throws {
        let scratch = try Scratch()
        let key = try TestKey(.p256, in: scratch)
        try TestImage.make(at: scratch.path + "/img", layerSizes: [10])
        await #expect(throws: OCIError(.notFound, "")) {
            try await ImageEncryptor(wrappers: [JWEKeyWrapper(recipients: [try PublicJWK(pem: key.publicPEM)])])
                .encrypt(from: try LayoutReference(parsing: "oci:\(scratch.path)/img:nope"), to: try LayoutReference(parsing: "oci:\(scratch.path)/enc"))
        }
    }
}
