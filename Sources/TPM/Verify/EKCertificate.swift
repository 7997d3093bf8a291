#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PKI
import SwiftASN1

/// An endorsement key certificate (TCG EK Credential Profile): the TPM manufacturer's statement that a public key
/// is the EK of a genuine TPM.
///
/// EK certificates often have an empty or placeholder subject and carry the TPM's identity in a critical subject
/// alternative name (a directory name with the TPM manufacturer, model and version attributes, 2.23.133.2.1–3).
/// The PKI reader keeps extensions as bytes, so such certificates parse; the path is checked by
/// ``AKCertificateChain`` (issuers by name and signature, every certificate in its window, intermediates must be CAs).
public struct EKCertificate: Sendable, Hashable {
    /// The certificate.
    public let certificate: X509Certificate
    /// The TPM attributes from the subject alternative name: manufacturer (`id:…`), model and version, when present.
    public let tpmManufacturer: String?
    /// TPM model.
    public let tpmModel: String?
    /// TPM firmware version (`id:…`).
    public let tpmVersion: String?

    /// tcg-kp-EKCertificate, the extended key usage an EK certificate may carry.
    static let ekCertificateUsage: ASN1ObjectIdentifier = [2, 23, 133, 8, 1]
    static let subjectAltName: ASN1ObjectIdentifier = [2, 5, 29, 17]
    static let extendedKeyUsage: ASN1ObjectIdentifier = [2, 5, 29, 37]

    /// Reads a DER certificate (as stored in the TPM's NV index) or PEM.
    ///
    /// - Throws: ``TPMError`` (`collateral_format`) when it does not parse.
    public init(bytes: [UInt8]) throws {
        var der = bytes
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN CERTIFICATE-----"),
           let first = try? PEMFile.derDocuments(in: bytes, labels: ["CERTIFICATE"]).first {
            der = first
        }
        do { certificate = try X509Certificate(derEncoded: der) } catch {
            throw TPMError(.malformedCollateral, "EK certificate: \(error)")
        }
        var attributes: [ASN1ObjectIdentifier: String] = [:]
        if let san = certificate.extensions[oid: Self.subjectAltName], let node = try? DER.parse(san.value) {
            Self.collectAttributes(node, into: &attributes)
        }
        tpmManufacturer = attributes[[2, 23, 133, 2, 1]]
        tpmModel = attributes[[2, 23, 133, 2, 2]]
        tpmVersion = attributes[[2, 23, 133, 2, 3]]
    }

    /// Verifies the certificate: an extended key usage, when present, names tcg-kp-EKCertificate, and the path leads
    /// to one of `roots`, every certificate valid at `time`.
    ///
    /// - Throws: ``TPMError`` (`certificate_chain`) naming what failed.
    public func verify(roots: [X509Certificate], intermediates: [X509Certificate] = [], at time: Date) throws {
        if let usage = certificate.extensions[oid: Self.extendedKeyUsage] {
            let purposes = (try? DER.sequence(of: ASN1ObjectIdentifier.self, identifier: .sequence, rootNode: DER.parse(usage.value))) ?? []
            guard purposes.contains(Self.ekCertificateUsage) else {
                throw TPMError(.certificateChain, "EK certificate: its extended key usage does not include tcg-kp-EKCertificate (2.23.133.8.1)")
            }
        }
        guard !roots.isEmpty else { throw TPMError(.collateralUnavailable, "EK certificate: no EK root is configured") }
        do { try AKCertificateChain.verify(leaf: certificate, intermediates: intermediates, roots: roots, at: time) } catch let error as TPMError {
            throw TPMError(error.code, "EK certificate: \(error.message)")
        }
    }

    /// Whether the certificate's public key is the key of `ek` (compared as normalized SubjectPublicKeyInfo).
    public func certifies(_ ek: PublicArea) -> Bool {
        guard let fromTPM = try? AttestationKey(publicArea: ek), let fromCertificate = try? AttestationKey(spki: Array(certificate.subjectPublicKeyInfo)) else {
            return false
        }
        return fromTPM.normalizedSPKI == fromCertificate.normalizedSPKI
    }

    /// Collects OID → string pairs (AttributeTypeAndValue) anywhere under `node`.
    private static func collectAttributes(_ node: ASN1Node, into attributes: inout [ASN1ObjectIdentifier: String]) {
        guard case .constructed(let children) = node.content else { return }
        let list = Array(children)
        if list.count == 2, let oid = try? ASN1ObjectIdentifier(derEncoded: list[0]), case .primitive(let value) = list[1].content {
            attributes[oid] = String(decoding: value, as: UTF8.self)
            return
        }
        for child in list { collectAttributes(child, into: &attributes) }
    }
}

extension AttestationKey {
    /// The SubjectPublicKeyInfo as swift-crypto writes it, so keys from certificates and from TPM public areas
    /// compare whatever encoding choices the certificate made.
    var normalizedSPKI: [UInt8] {
        switch key {
        case .rsa(let rsa): return Array(rsa.derRepresentation)
        case .p256(let p): return Array(p.derRepresentation)
        case .p384(let p): return Array(p.derRepresentation)
        }
    }
}
