import HermeticCore
import KBSClient
import TPM

/// EK binding (see `docs/ARCHITECTURE.md`, "EK binding"): auth carries the EK certificate from the TPM's NV index
/// and the AK's public area; the broker's challenge carries a credential made for that AK under that EK, which only
/// this TPM can activate; the evidence returns the activated secret as `activated_credential`.
extension TPMEvidenceSource: BoundEvidenceSource {
    /// The auth request's `extra-params` members (`ek_certificate`, `ak_public`), or none when the TPM has no EK
    /// certificate (a broker that requires binding then refuses at auth, saying what to send).
    public func authExtraParams() throws -> [String: JSONValue] {
        let client = TPMClient(transport: try transport())
        guard let activation = try? CredentialActivation(client: client, ak: template) else { return [:] }
        defer { activation.flush() }
        guard let certificate = activation.ekCertificate else { return [:] }
        return [
            "ek_certificate": .string(Base64.encode(certificate)),
            "ak_public": .string(Base64.encode(activation.ak.publicArea.sizedBytes)),
        ]
    }

    /// The evidence, with `activated_credential` when the challenge carries `credential_blob` and
    /// `encrypted_secret`.
    ///
    /// - Throws: ``GuestAttesterError`` (`badInput`) for a challenge whose credential is not base64; the TPM's error
    ///   when the activation fails (the credential was made for another EK or AK).
    public func evidence(reportData: [UInt8], challengeExtraParams: String) async throws -> JSONValue {
        var activated: [UInt8]?
        if !challengeExtraParams.isEmpty, let extra = try? JSONValue(parsing: Array(challengeExtraParams.utf8)),
           extra["credential_blob"] != nil || extra["encrypted_secret"] != nil {
            guard let blob = extra["credential_blob"]?.stringValue.flatMap(Base64.decode),
                  let secret = extra["encrypted_secret"]?.stringValue.flatMap(Base64.decode) else {
                throw GuestAttesterError(.badInput, "the broker's challenge carries a credential that is not base64 credential_blob and encrypted_secret")
            }
            let activation = try CredentialActivation(client: TPMClient(transport: try transport()), ak: template)
            defer { activation.flush() }
            activated = try activation.activate(EncryptedCredential(credentialBlob: blob, secret: secret))
        }
        let evidence = try await evidence(reportData: reportData)
        guard let activated, case .object(var members) = evidence else { return evidence }
        members["activated_credential"] = .string(Base64.encode(activated))
        return .object(members)
    }
}
