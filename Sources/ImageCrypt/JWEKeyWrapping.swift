#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import JOSE

/// ocicrypt's `jwe` scheme: the private options encrypted as one JWE (A256GCM) to every recipient, `RSA-OAEP` for RSA
/// keys and `ECDH-ES+A256KW` for EC keys, in go-jose's JSON serialisation, standard base64 in
/// `org.opencontainers.image.enc.keys.jwe`.
public struct JWEKeyWrapper: LayerKeyWrapper {
    /// The recipients' public keys.
    public let recipients: [PublicJWK]

    /// A wrapper for `recipients` (at least one).
    public init(recipients: [PublicJWK]) {
        self.recipients = recipients
    }

    /// `org.opencontainers.image.enc.keys.jwe`.
    public var annotationKey: String { EncryptionAnnotation.jwe }

    /// Encrypts the options to every recipient at once.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` when a recipient key cannot be used.
    public func wrap(_ privateOptions: [UInt8]) async throws -> String {
        do {
            let jwe = try JWE.encrypt(privateOptions, toAll: recipients)
            return Base64.encode(Array(jwe.serialized().utf8))
        } catch let error as JOSEError {
            throw ImageCryptError(.malformed, "cannot wrap the layer key: \(error.message)")
        }
    }
}

/// Opens ocicrypt `jwe` annotations with private keys: each comma-separated JWE is tried with each key.
public struct JWEKeyUnwrapper: LayerKeyUnwrapper {
    /// The private keys to try.
    public let keys: [PrivateJWK]

    /// An unwrapper with `keys`.
    public init(keys: [PrivateJWK]) {
        self.keys = keys
    }

    /// `org.opencontainers.image.enc.keys.jwe`.
    public var annotationKey: String { EncryptionAnnotation.jwe }

    /// Finds a JWE in the value that one of the keys opens.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` for a value that is not base64 JWE JSON, `.noUsableKey` when no key
    ///   opens any of them.
    public func unwrap(_ annotationValue: String) async throws -> [UInt8] {
        var reasons: [String] = []
        for part in annotationValue.split(separator: ",", omittingEmptySubsequences: false) {
            guard let bytes = Data(base64Encoded: String(part)) else {
                throw ImageCryptError(.malformed, "the \(annotationKey) annotation is not standard base64")
            }
            let jwe: JSONSerializedJWE
            do {
                jwe = try JSONSerializedJWE(json: [UInt8](bytes))
            } catch let error as JOSEError {
                throw ImageCryptError(.malformed, "the \(annotationKey) annotation holds no JWE: \(error.message)")
            }
            for key in keys {
                do {
                    return try JWE.decrypt(jwe, with: key)
                } catch let error as JOSEError {
                    reasons.append(error.message)
                }
            }
        }
        throw ImageCryptError(
            .noUsableKey,
            "none of the \(keys.count) private key(s) unwraps the layer key" + (reasons.last.map { " (\($0))" } ?? "")
        )
    }
}
