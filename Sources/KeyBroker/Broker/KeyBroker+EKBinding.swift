import Attestation
import Crypto
import Foundation
import HermeticCore
import Storage
import TPM

extension KeyBroker {
    /// What auth adds for a `tpm` guest under EK binding: the session's binding record and the challenge's
    /// `extra-params` (a JSON string, as Trustee's challenge carries one).
    struct EKBindingChallenge {
        var record: String
        var extraParams: String
    }

    /// Verifies the EK certificate and AK from auth `extra-params` and makes the credential, or nil when the
    /// broker does not bind (not `tpm`, not configured, or optional and the guest sent nothing).
    ///
    /// - Throws: ``KBSError`` `AttestationError` naming what is missing or does not verify.
    func ekBindingChallenge(_ auth: AuthRequest, tee: TEE, at time: Date) throws -> EKBindingChallenge? {
        guard tee == .tpm, let binding = configuration.tpmEKBinding else { return nil }
        let certificateText = auth.extraParams[TPMEKBinding.ekCertificateMember]?.stringValue
        let akText = auth.extraParams[TPMEKBinding.akPublicMember]?.stringValue
        guard certificateText != nil || akText != nil else {
            guard !binding.required else {
                throw KBSError(.attestationError, """
                    tpm EK binding is required by this broker: auth extra-params must carry \(TPMEKBinding.ekCertificateMember) \
                    (base64 DER) and \(TPMEKBinding.akPublicMember) (base64 TPM2B_PUBLIC)
                    """)
            }
            return nil
        }
        guard let certificateText, let certificate = Base64.decode(certificateText) else {
            throw KBSError(.attestationError, "tpm EK binding: extra-params.\(TPMEKBinding.ekCertificateMember) is missing or not base64")
        }
        guard let akText, let akPublic = Base64.decode(akText) else {
            throw KBSError(.attestationError, "tpm EK binding: extra-params.\(TPMEKBinding.akPublicMember) is missing or not base64")
        }
        let challenge: EKBindingVerifier.Challenge
        do { challenge = try binding.verifier.challenge(ekCertificate: certificate, akPublic: akPublic, at: time) } catch {
            throw KBSError(.attestationError, "tpm EK binding: \(error)")
        }
        // The session keeps the digest of the secret, never the secret.
        let record = JSONValue.object([
            "ak_public": .string(Base64.encode(challenge.ak.sizedBytes)),
            "ak_name": .string(Hex.encode(challenge.akName)),
            "secret_sha256": .string(Hex.encode(SHA256.hash(data: challenge.secret))),
            "ek_certificate_sha256": .string(challenge.ekCertificate.certificate.fingerprint),
        ])
        let extra = JSONValue.object([
            TPMEKBinding.credentialBlobMember: .string(Base64.encode(challenge.credential.credentialBlob)),
            TPMEKBinding.encryptedSecretMember: .string(Base64.encode(challenge.credential.secret)),
        ])
        return EKBindingChallenge(record: record.serialized(), extraParams: extra.serialized())
    }

    /// For a session bound at auth: checks the activated secret the evidence carries against the session's digest
    /// (constant time) and returns a verifier that trusts exactly the bound AK. Nil for unbound sessions of
    /// brokers that do not require binding.
    ///
    /// - Throws: ``KBSError`` `AttestationError` when binding is required and absent, the secret is missing or
    ///   wrong, or the evidence names another AK.
    func ekBoundVerifier(session: SessionRecord, tee: TEE, evidence submitted: SubmittedEvidence) throws -> (any AttestationVerifier)? {
        guard tee == .tpm else { return nil }
        guard let text = session.binding else {
            if configuration.tpmEKBinding?.required == true {
                throw KBSError(.attestationError, "tpm EK binding is required by this broker and this session was opened without it: call /kbs/v0/auth with an EK certificate")
            }
            return nil
        }
        guard let record = try? JSONValue(parsing: Array(text.utf8)), let akPublic = record["ak_public"]?.stringValue.flatMap(Base64.decode),
              let akName = record["ak_name"]?.stringValue.flatMap(Hex.decode), let digest = record["secret_sha256"]?.stringValue.flatMap(Hex.decode)
        else { throw KBSError(.attestationError, "the session's EK binding is corrupt") }
        let evidence = submitted.bytes
        guard let json = try? JSONValue(parsing: evidence),
              let secretText = json[TPMEKBinding.activatedCredentialMember]?.stringValue, let secret = Base64.decode(secretText)
        else {
            throw KBSError(.attestationError, "tpm EK binding: the evidence carries no \(TPMEKBinding.activatedCredentialMember) (base64 of what TPM2_ActivateCredential returned)")
        }
        guard ConstantTime.equals(Array(SHA256.hash(data: secret)), digest) else {
            throw KBSError(.attestationError, "tpm EK binding: the activated credential is wrong: the AK was not activated by the certified EK's TPM")
        }
        let ak: AttestationKey
        do { ak = try AttestationKey(publicArea: try PublicArea(bytes: akPublic)) } catch {
            throw KBSError(.attestationError, "the session's EK binding is corrupt: \(error)")
        }
        if let named = try? TPMEvidence.parse(evidence).attestationKey, let area = named.publicArea,
           (try? area.name()).map({ ConstantTime.equals($0, akName) }) != true {
            throw KBSError(.attestationError, "tpm EK binding: the evidence's AK (by name) is not the AK bound at auth")
        }
        return TPMAttestationVerifier(trust: AKTrust(keys: [ak]))
    }
}
