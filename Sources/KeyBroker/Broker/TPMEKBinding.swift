import Foundation
import TPM

/// How the broker binds a `tpm` guest's attestation key to its TPM's endorsement key (docs/ARCHITECTURE.md, "EK
/// binding"): the guest's auth `extra-params` carry its EK certificate and AK public area, the challenge's
/// `extra-params` a credential made for that AK under that EK, and the attest evidence the activated secret.
///
/// Guests that send no EK certificate are served as before (AK trusted as configured) unless ``required``.
public struct TPMEKBinding: Sendable {
    /// Checks EK certificates against the configured roots and makes credentials.
    public var verifier: EKBindingVerifier
    /// Refuse `tpm` guests that do not bind their AK to an EK.
    public var required: Bool

    /// Creates the setting.
    public init(verifier: EKBindingVerifier, required: Bool = false) {
        self.verifier = verifier
        self.required = required
    }

    /// The `extra-params` member of auth carrying the EK certificate (base64 DER).
    public static let ekCertificateMember = "ek_certificate"
    /// The `extra-params` member of auth carrying the AK's TPM2B_PUBLIC (base64).
    public static let akPublicMember = "ak_public"
    /// The challenge `extra-params` members: TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET contents (base64).
    public static let credentialBlobMember = "credential_blob"
    /// See ``credentialBlobMember``.
    public static let encryptedSecretMember = "encrypted_secret"
    /// The member of the `tpm` evidence JSON carrying the secret TPM2_ActivateCredential returned (base64).
    public static let activatedCredentialMember = "activated_credential"
}

extension TPMEKBinding {
    /// The setting from certificate files: self-signed ones are EK roots, the others intermediates.
    ///
    /// - Throws: ``TPMError`` (`collateral_format`) naming a file that cannot be read or holds no certificate.
    public static func load(rootPaths: [String], required: Bool) throws -> TPMEKBinding {
        let files = try rootPaths.map { path -> (name: String, bytes: [UInt8]) in
            guard let data = FileManager.default.contents(atPath: path) else { throw TPMError(.malformedCollateral, "cannot read \(path)") }
            return (path, [UInt8](data))
        }
        return TPMEKBinding(verifier: try EKBindingVerifier(files: files), required: required)
    }
}
