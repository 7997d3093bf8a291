/// The attester's side of EK binding: the EK (from a TCG default template) with its certificate from NV, an AK
/// created beside it, and TPM2_ActivateCredential of what a verifier protected for that AK under that EK.
///
/// Both keys stay loaded until ``flush()``; the verifier's challenge is answered with ``activate(_:)`` and the
/// quote is made with ``ak``.
public struct CredentialActivation: Sendable {
    /// The client.
    public let client: TPMClient
    /// The EK, created from the template.
    public let ek: TPMClient.LoadedKey
    /// The AK.
    public let ak: TPMClient.LoadedKey
    /// The EK certificate (DER) from the template's NV index, or nil when the TPM has none.
    public let ekCertificate: [UInt8]?

    /// Creates the EK and the AK (both primaries in the endorsement hierarchy) and reads the EK certificate.
    ///
    /// - Throws: ``TPMError`` (`command`) when a command fails; a missing certificate index is not an error.
    public init(client: TPMClient, ek ekTemplate: KeyTemplate = .ekRSA, ak akTemplate: KeyTemplate = .akRSA) throws {
        guard let index = ekTemplate.ekCertificateIndex, akTemplate.ekCertificateIndex == nil else {
            throw TPMError(.unsupported, "credential activation needs an EK template and an AK template, not \(ekTemplate.rawValue) and \(akTemplate.rawValue)")
        }
        self.client = client
        ekCertificate = try? client.nvRead(index)
        ek = try client.createPrimary(ekTemplate)
        do { ak = try client.createPrimary(akTemplate) } catch {
            try? client.flushContext(ek.handle)
            throw error
        }
    }

    /// Recovers the credential: a policy session satisfying the EK's PolicySecret(TPM_RH_ENDORSEMENT), then
    /// TPM2_ActivateCredential with the AK. The session is flushed whatever happens.
    ///
    /// - Throws: ``TPMError`` (`command`); TPM_RC_INTEGRITY (0x9xx) when the credential was made for another key.
    public func activate(_ credential: EncryptedCredential) throws -> [UInt8] {
        let session = try client.startPolicySession()
        do {
            try client.policySecret(session: session)
            return try client.activateCredential(activate: ak.handle, key: ek.handle, keySession: session, credential: credential)
        } catch {
            try? client.flushContext(session)
            throw error
        }
    }

    /// Unloads the EK and the AK.
    public func flush() {
        try? client.flushContext(ak.handle)
        try? client.flushContext(ek.handle)
    }
}
