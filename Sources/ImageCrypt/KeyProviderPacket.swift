import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import _CryptoExtras

/// The Confidential Containers key provider's AnnotationPacket (guest-components `AnnotationPacket`, v1 members plus
/// v2's optional `version`/`provider`): the layer's private options wrapped under a key-encryption key that the key
/// broker keeps at `kid`. Binary members are standard base64; `wrapped_data` for `A256GCM` is ciphertext ‖ 16-byte
/// tag with no AAD and a 12-byte IV; `A256CTR` (read only) is bare AES-256-CTR with a 16-byte counter block.
public struct KeyProviderPacket: Sendable, Hashable, Codable {
    /// The KEK's resource URI, `kbs:///repo/type/tag`.
    public var kid: String
    /// The wrapped private options.
    public var wrappedData: String
    /// The IV.
    public var iv: String
    /// `A256GCM` (written) or `A256CTR`.
    public var wrapType: String
    /// v2: the packet version.
    public var version: String?
    /// v2: the provider (`kbs` when absent).
    public var provider: String?

    enum CodingKeys: String, CodingKey {
        case kid, iv, version, provider
        case wrappedData = "wrapped_data"
        case wrapType = "wrap_type"
    }

    /// Wraps `privateOptions` under `kek` (AES-256-GCM, fresh 12-byte IV).
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` unless the KEK is 32 bytes.
    public init(wrapping privateOptions: [UInt8], kek: [UInt8], kid: String) throws {
        guard kek.count == 32 else { throw ImageCryptError(.malformed, "the key-encryption key is \(kek.count) bytes, AES-256 needs 32") }
        let nonce = AES.GCM.Nonce()
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.seal(privateOptions, using: SymmetricKey(data: kek), nonce: nonce)
        } catch {
            throw ImageCryptError(.malformed, "AES-GCM refused the key-encryption key")
        }
        self.kid = kid
        wrappedData = (sealed.ciphertext + sealed.tag).base64EncodedString()
        iv = Data(nonce).base64EncodedString()
        wrapType = "A256GCM"
    }

    /// Reads an annotation value (standard base64 of the packet JSON).
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` when it is not a packet, `.unsupported` for another provider.
    public init(annotation: String) throws {
        guard let bytes = Data(base64Encoded: annotation),
              let packet = try? JSONDecoder().decode(KeyProviderPacket.self, from: bytes)
        else { throw ImageCryptError(.malformed, "the \(EncryptionAnnotation.attestationAgent) annotation is not base64 of an AnnotationPacket") }
        guard packet.provider == nil || packet.provider == "kbs" else {
            throw ImageCryptError(.unsupported, "key provider \"\(packet.provider ?? "")\" is not kbs")
        }
        self = packet
    }

    /// The annotation value: standard base64 of the JSON.
    public func annotation() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self).base64EncodedString()
    }

    /// The broker resource path of `kid` (`repo/type/tag`).
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` when `kid` is not a `kbs` resource URI with three segments.
    public func resourcePath() throws -> String {
        try Self.resourcePath(of: kid)
    }

    /// The resource path of a `kbs[+plugin]://[host]/repo/type/tag` URI, or of `/repo/type/tag`.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` otherwise.
    public static func resourcePath(of uri: String) throws -> String {
        var rest = Substring(uri)
        if let range = rest.firstRange(of: "://") {
            let scheme = rest[..<range.lowerBound]
            guard scheme == "kbs" || scheme.hasPrefix("kbs+") else {
                throw ImageCryptError(.malformed, "key id \"\(uri)\" is not a kbs:// resource URI")
            }
            rest = rest[range.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { throw ImageCryptError(.malformed, "key id \"\(uri)\" has no resource path") }
            rest = rest[slash...]
        }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard rest.hasPrefix("/"), segments.count == 3, segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw ImageCryptError(.malformed, "key id \"\(uri)\" is not kbs:///repo/type/tag")
        }
        return segments.joined(separator: "/")
    }

    /// Recovers the private options with the KEK.
    ///
    /// - Throws: ``ImageCryptError`` `.noUsableKey` when the KEK does not open the packet, `.malformed` or
    ///   `.unsupported` for a bad packet.
    public func unwrap(kek: [UInt8]) throws -> [UInt8] {
        guard kek.count == 32 else { throw ImageCryptError(.malformed, "the key-encryption key for \(kid) is \(kek.count) bytes, not 32") }
        guard let data = Data(base64Encoded: wrappedData), let ivBytes = Data(base64Encoded: iv) else {
            throw ImageCryptError(.malformed, "the AnnotationPacket's wrapped_data or iv is not standard base64")
        }
        let key = SymmetricKey(data: kek)
        switch wrapType {
        case "A256GCM":
            guard ivBytes.count == 12, data.count >= 16 else {
                throw ImageCryptError(.malformed, "an A256GCM packet needs a 12-byte iv and a 16-byte tag")
            }
            do {
                let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: ivBytes), ciphertext: data.dropLast(16), tag: data.suffix(16))
                return [UInt8](try AES.GCM.open(box, using: key))
            } catch {
                throw ImageCryptError(.noUsableKey, "the key-encryption key at \(kid) does not open the layer key (AES-GCM check failed)")
            }
        case "A256CTR":
            guard ivBytes.count == 16 else { throw ImageCryptError(.malformed, "an A256CTR packet needs a 16-byte iv") }
            do {
                return [UInt8](try AES._CTR.decrypt(data, using: key, nonce: try AES._CTR.Nonce(nonceBytes: ivBytes)))
            } catch {
                throw ImageCryptError(.malformed, "AES-CTR refused the packet")
            }
        default:
            throw ImageCryptError(.unsupported, "AnnotationPacket wrap_type \"\(wrapType)\" is not A256GCM or A256CTR")
        }
    }
}
