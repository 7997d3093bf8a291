import HermeticCore
import ImageCrypt
import JOSE
import KeyBroker

/// Key-encryption keys from the key broker, as a guest gets them: one attestation (RCAR with `evidence` and a TEE
/// key) for the whole image, then one resource request per distinct KEK, each kept for the rest of the run.
public actor BrokerKeySource: KeyEncryptionKeySource {
    private let client: KBSClient
    private let evidence: any EvidenceSource
    private let teeKey: PrivateJWK
    private var attested: KBSClient.Attested?
    private var cache: [String: [UInt8]] = [:]

    /// A source attesting with `evidence` through `client`.
    public init(client: KBSClient, evidence: any EvidenceSource, teeKey: PrivateJWK = .generateEC(.p256)) {
        self.client = client
        self.evidence = evidence
        self.teeKey = teeKey
    }

    /// Attests (once) and fetches the KEK at `resourcePath`.
    ///
    /// - Throws: ``ImageCryptError`` `.keyProvider` naming the step the broker refused or could not be reached for.
    public func keyEncryptionKey(at resourcePath: String) async throws -> [UInt8] {
        if let cached = cache[resourcePath] { return cached }
        let session: KBSClient.Attested
        if let attested {
            session = attested
        } else {
            do {
                session = try await client.attest(evidence: evidence, key: teeKey)
            } catch {
                throw ImageCryptError(.keyProvider, "attestation to the key broker failed: \(error)")
            }
            attested = session
        }
        let kek: [UInt8]
        do {
            kek = try await client.resource(resourcePath, attested: session, key: teeKey)
        } catch {
            throw ImageCryptError(.keyProvider, "the key broker did not release \(resourcePath): \(error)")
        }
        cache[resourcePath] = kek
        return kek
    }
}

/// Creates a fresh key-encryption key and stores it in the broker (the admin API), for `kbs://` recipients.
public enum BrokerKeyProvisioning {
    /// Generates a 32-byte KEK, stores it at the resource path of `kid`, and returns a wrapper using it.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` for a bad `kid`, `.keyProvider` when the broker refuses.
    public static func provision(kid: String, client: KBSClient, adminToken: String) async throws -> KeyProviderWrapper {
        let path = try KeyProviderPacket.resourcePath(of: kid)
        let kek = SecureRandom.bytes(32)
        do {
            try await client.setResource(path, value: kek, adminToken: adminToken)
        } catch {
            throw ImageCryptError(.keyProvider, "the key broker did not store the key-encryption key at \(path): \(error)")
        }
        return try KeyProviderWrapper(kid: kid, kek: kek)
    }
}
