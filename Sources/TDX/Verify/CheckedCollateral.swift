import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI

/// Collateral whose signatures have been checked once against a root: what does not depend on the verification
/// time. Validity windows depend on it and are checked for every quote, so one value serves many quotes and
/// many verification times (Intel publishes collateral for 30 days).
///
/// Checked here: each issuer certificate's signature by the root, each CRL's by its issuer, each TCB info's and
/// QE identity's by a TCB signing certificate signed by the root. Intel re-issued the TCB signing certificate in
/// 2025 with the same key, so a document may verify under several certificates; all are kept, and the one valid
/// at the verification time is used.
public struct CheckedCollateral: Sendable {
    /// A TCB info or QE identity with the certificates whose key verifies its signature.
    public struct Signed<Document: Sendable>: Sendable {
        /// The document.
        public let document: Document
        /// The signing certificates (each signed by the root) that verify it.
        public let signers: [X509Certificate]
    }

    /// A CRL with the certificate that signed it.
    public struct CheckedCRL: Sendable {
        /// The CRL.
        public let crl: CertificateRevocationList
        /// Its issuer (the root, or a PCK CA signed by the root).
        public let issuer: X509Certificate
    }

    /// The trust anchor.
    public let root: X509Certificate
    /// Certificates signed by the root (PCK CAs, TCB signing).
    public let intermediates: [X509Certificate]
    /// TCB infos with their signers.
    public let tcbInfos: [Signed<TCBInfo>]
    /// QE identities with their signers.
    public let qeIdentities: [Signed<QEIdentity>]
    /// CRLs with their issuers.
    public let crls: [CheckedCRL]

    /// Checks `collateral` against `root`.
    ///
    /// - Throws: ``TDXError`` `.certificateChain` when the root is not self-signed, `.collateralSignature` when a
    ///   TCB info, QE identity or CRL does not verify with the certificate that should have signed it.
    public init(_ collateral: DCAPCollateral, root: X509Certificate) throws {
        self.root = root
        let rootKey = try Self.key(of: root, "Intel root")
        guard root.subject == root.issuer, root.isSigned(by: rootKey) else {
            throw TDXError(.certificateChain, "root \"\(root.subject.commonName ?? "")\" is not self-signed")
        }
        intermediates = collateral.certificates.filter { $0 != root && $0.issuer == root.subject && $0.isSigned(by: rootKey) }
        var crls: [CheckedCRL] = []
        for crl in collateral.crls where !crls.contains(where: { $0.crl == crl }) {
            guard let issuer = ([root] + intermediates).first(where: { $0.subject == crl.issuer }) else { continue }
            guard crl.isSigned(by: try Self.key(of: issuer, "CRL issuer")) else {
                throw TDXError(.collateralSignature, "CRL of \"\(crl.issuer.commonName ?? "")\" does not verify with its issuer's key")
            }
            crls.append(CheckedCRL(crl: crl, issuer: issuer))
        }
        self.crls = crls
        let signingCertificates = intermediates.filter { $0.subject.commonName?.contains("TCB Signing") == true }
        tcbInfos = try collateral.tcbInfos.map { info in
            Signed(document: info, signers: try Self.signers(of: info.signed, among: signingCertificates,
                                                             what: "TCB info for FMSPC \(Hex.encode(info.fmspc)) issued \(Timestamp.text(info.issueDate))"))
        }
        qeIdentities = try collateral.qeIdentities.map { identity in
            Signed(document: identity, signers: try Self.signers(of: identity.signed, among: signingCertificates,
                                                                 what: "QE identity \(identity.id) issued \(Timestamp.text(identity.issueDate))"))
        }
    }

    private static func signers(of signed: SignedJSON, among certificates: [X509Certificate], what: String) throws -> [X509Certificate] {
        guard !certificates.isEmpty else {
            throw TDXError(.collateralUnavailable, "no Intel SGX TCB Signing certificate signed by the root is in the collateral, so the \(what) cannot be checked")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signed.signature) else {
            throw TDXError(.collateralSignature, "\(what) signature is not a P-256 signature")
        }
        let digest = SHA256.hash(data: signed.body)
        let verifying = certificates.filter { certificate in
            guard case .p256(let key)? = try? certificate.publicKey() else { return false }
            return key.isValidSignature(signature, for: digest)
        }
        guard !verifying.isEmpty else {
            throw TDXError(.collateralSignature, "\(what) signature does not verify with the TCB signing certificate")
        }
        return verifying
    }

    static func key(of certificate: X509Certificate, _ role: String) throws -> PKI.PublicKey {
        do { return try certificate.publicKey() } catch {
            throw TDXError(.certificateChain, "\(role) \"\(certificate.subject.commonName ?? "")\" public key is unusable: \(error)")
        }
    }
}
