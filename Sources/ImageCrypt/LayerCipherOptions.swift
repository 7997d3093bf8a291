#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The annotation keys ocicrypt writes on an encrypted layer's descriptor.
public enum EncryptionAnnotation {
    /// The layer key wrapped for JWE recipients: standard base64 of the JWE JSON, several separated by commas.
    public static let jwe = "org.opencontainers.image.enc.keys.jwe"
    /// The public cipher options: standard base64 of their JSON.
    public static let publicOptions = "org.opencontainers.image.enc.pubopts"
    /// The layer key wrapped by the Confidential Containers key provider: standard base64 of the AnnotationPacket.
    public static let attestationAgent = "org.opencontainers.image.enc.keys.provider.attestation-agent"
    /// Every ocicrypt annotation starts with this; all are removed on decryption.
    public static let prefix = "org.opencontainers.image.enc."
}

/// The one layer cipher ocicrypt defines: AES-256 in counter mode, then HMAC-SHA256 over the ciphertext.
public enum LayerCipherType: String, Sendable, Codable {
    /// `AES_256_CTR_HMAC_SHA256`.
    case aes256CTRHMACSHA256 = "AES_256_CTR_HMAC_SHA256"
}

/// The private cipher options: what the key wrappers wrap (ocicrypt `PrivateLayerBlockCipherOptions`). Binary
/// members are standard base64, as Go's `encoding/json` writes `[]byte`.
public struct PrivateLayerOptions: Sendable, Hashable, Codable {
    /// The 32-byte layer key (used for both AES-CTR and the HMAC).
    public var symmetricKey: Data
    /// The digest of the plaintext layer, `sha256:<hex>`.
    public var digest: String
    /// Cipher options; `nonce` is the 16-byte initial counter block.
    public var cipherOptions: [String: Data]?

    /// Creates options.
    public init(symmetricKey: Data, digest: String, nonce: Data) {
        self.symmetricKey = symmetricKey
        self.digest = digest
        self.cipherOptions = ["nonce": nonce]
    }

    enum CodingKeys: String, CodingKey {
        case symmetricKey = "symkey"
        case digest
        case cipherOptions = "cipheroptions"
    }

    /// Reads the JSON a key wrapper unwrapped.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` naming what is missing or of the wrong size.
    public init(json: [UInt8]) throws {
        guard let decoded = try? JSONDecoder().decode(PrivateLayerOptions.self, from: Data(json)) else {
            throw ImageCryptError(.malformed, "the unwrapped layer options are not ocicrypt's private options JSON")
        }
        guard decoded.symmetricKey.count == 32 else {
            throw ImageCryptError(.malformed, "the layer key is \(decoded.symmetricKey.count) bytes, AES-256 needs 32")
        }
        guard decoded.cipherOptions?["nonce"]?.count == 16 else {
            throw ImageCryptError(.malformed, "the private options carry no 16-byte nonce")
        }
        self = decoded
    }

    /// The 16-byte nonce (checked by ``init(json:)``).
    public var nonce: Data { cipherOptions?["nonce"] ?? Data() }

    /// The JSON text wrapped for recipients.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(self))
    }
}

/// The public cipher options, stored in the clear as an annotation (ocicrypt `PublicLayerBlockCipherOptions`).
public struct PublicLayerOptions: Sendable, Hashable, Codable {
    /// The cipher.
    public var cipher: String
    /// The HMAC-SHA256 of the ciphertext under the layer key.
    public var hmac: Data
    /// Public cipher options (empty for AES-CTR).
    public var cipherOptions: [String: Data]?

    /// Creates options for the AES-CTR cipher.
    public init(hmac: Data) {
        cipher = LayerCipherType.aes256CTRHMACSHA256.rawValue
        self.hmac = hmac
        cipherOptions = [:]
    }

    enum CodingKeys: String, CodingKey {
        case cipher, hmac
        case cipherOptions = "cipheroptions"
    }

    /// Reads the `org.opencontainers.image.enc.pubopts` annotation's value (standard base64 of the JSON).
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` or `.unsupported` naming the problem.
    public init(annotation: String) throws {
        guard let bytes = Data(base64Encoded: annotation),
              let decoded = try? JSONDecoder().decode(PublicLayerOptions.self, from: bytes)
        else { throw ImageCryptError(.malformed, "the \(EncryptionAnnotation.publicOptions) annotation is not base64 of the public options JSON") }
        guard decoded.cipher == LayerCipherType.aes256CTRHMACSHA256.rawValue else {
            throw ImageCryptError(.unsupported, "layer cipher \"\(decoded.cipher)\" is not AES_256_CTR_HMAC_SHA256")
        }
        guard decoded.hmac.count == 32 else {
            throw ImageCryptError(.malformed, "the public options' hmac is \(decoded.hmac.count) bytes, HMAC-SHA256 gives 32")
        }
        self = decoded
    }

    /// The annotation value: standard base64 of the JSON.
    public func annotation() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self).base64EncodedString()
    }
}
