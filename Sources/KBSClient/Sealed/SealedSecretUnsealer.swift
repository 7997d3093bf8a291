import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// Unwraps an envelope's data key: the KMS side of `envelope` sealed secrets.
public protocol EnvelopeKeyProvider: Sendable {
    /// The data key for `envelope`, which names its KMS key; `provider` and `annotations` come from the payload.
    func dataKey(for envelope: SealedSecret.Envelope, provider: String, annotations: JSONValue) async throws -> [UInt8]
}

/// Opens sealed secrets through a broker session: the verification key and `vault` secrets are KBS resources.
public struct SealedSecretUnsealer: Sendable {
    /// The session resources are fetched through.
    public let session: KBSSession
    /// Whether signatures are checked (CDH's `SKIP_SEALED_SECRET_VERIFICATION=true` turns this off).
    public let verifySignatures: Bool
    /// The KMS for `envelope` secrets, if any.
    public let envelopeKeys: (any EnvelopeKeyProvider)?

    /// Creates an unsealer.
    public init(session: KBSSession, verifySignatures: Bool = true, envelopeKeys: (any EnvelopeKeyProvider)? = nil) {
        self.session = session
        self.verifySignatures = verifySignatures
        self.envelopeKeys = envelopeKeys
    }

    /// The secret's plaintext.
    ///
    /// - Throws: ``SealedSecretError`` for the secret itself, ``KBSClientError`` when the broker refuses a resource.
    public func unseal(_ text: String) async throws -> [UInt8] {
        let secret = try SealedSecret(text)
        if verifySignatures {
            let keyURI: ResourceURI
            do { keyURI = try ResourceURI(secret.keyID) } catch {
                throw SealedSecretError(.signature, "kid \(secret.keyID.isEmpty ? "(none)" : secret.keyID) is not a kbs:// resource URI")
            }
            try secret.verify(publicJWK: try await session.resource(keyURI))
        }
        switch secret.content {
        case .vault(let uri):
            guard secret.provider == "kbs" else { throw SealedSecretError(.unsupported, "vault provider \(secret.provider) (kbs is read)") }
            return try await session.resource(uri)
        case .envelope(let envelope):
            guard let envelopeKeys else { throw SealedSecretError(.unsupported, "envelope secrets need a KMS for provider \(secret.provider)") }
            let key = try await envelopeKeys.dataKey(for: envelope, provider: secret.provider, annotations: secret.annotations)
            return try Self.open(envelope, dataKey: key)
        }
    }

    /// Decrypts an envelope's data with its data key (AES-256-GCM, the tag after the ciphertext).
    public static func open(_ envelope: SealedSecret.Envelope, dataKey: [UInt8]) throws(SealedSecretError) -> [UInt8] {
        guard envelope.wrapType == "A256GCM" else { throw SealedSecretError(.unsupported, "wrap_type \(envelope.wrapType) (A256GCM is read)") }
        guard dataKey.count == 32, envelope.iv.count == 12, envelope.encryptedData.count >= 16 else {
            throw SealedSecretError(.decryption, "need a 32-byte key, a 12-byte iv and at least a 16-byte tag")
        }
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: envelope.iv), ciphertext: envelope.encryptedData.dropLast(16), tag: envelope.encryptedData.suffix(16))
            return Array(try AES.GCM.open(box, using: SymmetricKey(data: dataKey)))
        } catch {
            throw SealedSecretError(.decryption, "the envelope's data does not open with its data key")
        }
    }
}
