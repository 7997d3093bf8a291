import ImageCrypt
import KBSClient

/// Key-encryption keys for the key provider from the agent's broker session: the attestation the agent already
/// holds (or a fresh one when its token expired), then one resource request per KEK.
public struct SessionKeySource: KeyEncryptionKeySource {
    /// The agent's broker session.
    public let session: KBSSession

    /// A source over `session`.
    public init(session: KBSSession) { self.session = session }

    public func keyEncryptionKey(at resourcePath: String) async throws -> [UInt8] {
        do {
            return try await session.resource(resourcePath)
        } catch {
            throw ImageCryptError(.keyProvider, "the key broker did not release \(resourcePath): \(error)")
        }
    }
}
