import HermeticCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PKI

/// The verifier's side of EK binding (attestation key provenance): an AK is trusted because the TPM whose EK a
/// manufacturer certified proves it holds that AK, by activating a credential made for the AK's name under the EK.
///
/// ``challenge(ekCertificate:akPublic:at:random:)`` checks the EK certificate against the configured roots,
/// rebuilds the EK's public area from the TCG default template that fits the certified key, checks that the AK is
/// a restricted, fixedTPM signing key, and protects a fresh secret for it. The attester returns the secret from
/// TPM2_ActivateCredential; a TPM without that EK, or without that AK loaded beside it, cannot.
public struct EKBindingVerifier: Sendable {
    /// The roots EK certificates must chain to (the TPM manufacturers', or swtpm-localca's in a test).
    public let roots: [X509Certificate]
    /// Intermediate CA certificates the operator supplies.
    public let intermediates: [X509Certificate]

    /// Creates a verifier.
    public init(roots: [X509Certificate], intermediates: [X509Certificate] = []) {
        self.roots = roots
        self.intermediates = intermediates
    }

    /// Reads certificate files (PEM or DER): self-signed ones are roots, the others intermediates.
    ///
    /// - Throws: ``TPMError`` (`collateral_format`) naming a file without a certificate.
    public init(files: [(name: String, bytes: [UInt8])]) throws {
        var roots: [X509Certificate] = []
        var intermediates: [X509Certificate] = []
        for file in files {
            var certificates = (try? AKTrust.certificates(in: file.bytes)) ?? []
            if certificates.isEmpty, let single = try? X509Certificate(derEncoded: file.bytes) { certificates = [single] }
            guard !certificates.isEmpty else { throw TPMError(.malformedCollateral, "\(file.name): no certificate") }
            for certificate in certificates {
                if certificate.issuer == certificate.subject, let key = try? certificate.publicKey(), certificate.isSigned(by: key) {
                    roots.append(certificate)
                } else {
                    intermediates.append(certificate)
                }
            }
        }
        self.init(roots: roots, intermediates: intermediates)
    }

    /// A challenge issued for one attester.
    public struct Challenge: Sendable {
        /// What the attester activates.
        public let credential: EncryptedCredential
        /// The secret it must return.
        public let secret: [UInt8]
        /// The AK the secret binds, as the attester sent it.
        public let ak: PublicArea
        /// The AK's name.
        public let akName: [UInt8]
        /// The EK, rebuilt from the certificate and the default template.
        public let ek: PublicArea
        /// The verified EK certificate.
        public let ekCertificate: EKCertificate
    }

    /// Verifies the EK certificate and the AK, and protects a fresh 32-byte secret for the AK under the EK.
    ///
    /// - Parameters:
    ///   - ekCertificate: the EK certificate, DER or PEM.
    ///   - akPublic: the AK's TPM2B_PUBLIC or TPMT_PUBLIC.
    ///   - time: when the certificates must be valid.
    /// - Throws: ``TPMError``: `collateral_format` for a certificate or key that does not parse, `certificate_chain`
    ///   when the EK certificate does not chain to a root, `attestation_key` when the AK is not a restricted
    ///   fixedTPM signing key, `unsupported` for an EK no default template fits.
    public func challenge(ekCertificate: [UInt8], akPublic: [UInt8], at time: Date,
                          random: (Int) -> [UInt8] = SecureRandom.bytes) throws -> Challenge {
        let certificate = try EKCertificate(bytes: ekCertificate)
        try certificate.verify(roots: roots, intermediates: intermediates, at: time)
        let certifiedKey: AttestationKey
        do { certifiedKey = try AttestationKey(spki: Array(certificate.certificate.subjectPublicKeyInfo)) } catch let error as TPMError {
            throw TPMError(.unsupported, "EK certificate: \(error.message)")
        }
        let ek = try KeyTemplate.endorsementKey(for: certifiedKey)
        let ak: PublicArea
        do { ak = try PublicArea(bytes: akPublic) } catch let error as TPMError {
            throw TPMError(.malformedCollateral, "AK public area: \(error.message)")
        }
        guard ak.isRestricted, ak.isSigning, ak.isFixedTPM, !ak.isDecrypting else {
            throw TPMError(.attestationKey, "the AK is not a restricted, fixedTPM signing key (TPMA_OBJECT 0x\(String(ak.attributes, radix: 16)))")
        }
        _ = try AttestationKey(publicArea: ak)
        let akName = try ak.name()
        let secret = random(32)
        let credential = try MakeCredential.protect(secret, for: akName, ek: ek, random: random)
        return Challenge(credential: credential, secret: secret, ak: ak, akName: akName, ek: ek, ekCertificate: certificate)
    }
}
