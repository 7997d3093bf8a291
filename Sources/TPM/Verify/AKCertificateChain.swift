#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PKI
import SwiftASN1

/// Path validation for an AK (or EK) certificate: each certificate signed by the next, up to one of the given
/// roots, every one valid at the verification time.
///
/// Issuers are found by name (the issuer's subject DER equals the child's issuer DER) and confirmed by signature.
/// Google's AK certificates have an empty subject; only issuer names take part in the search, so that is fine.
/// An intermediate must be a CA (basicConstraints cA TRUE); roots are the operator's and are taken as they are.
public enum AKCertificateChain {
    /// Verifies the path from `leaf` to a root.
    ///
    /// - Throws: ``TPMError`` (`certificate_chain`) naming the certificate that has no valid issuer or is expired.
    public static func verify(leaf: X509Certificate, intermediates: [X509Certificate], roots: [X509Certificate], at time: Date) throws {
        var current = leaf
        for depth in 0..<8 {
            let name = current.subject.commonName ?? (depth == 0 ? "AK certificate" : "certificate at depth \(depth)")
            guard current.isValid(at: time) else {
                throw TPMError(.certificateChain, "\(name) is valid \(current.notBefore)..\(current.notAfter), not at \(time)")
            }
            if let root = roots.first(where: { $0.subject == current.issuer && (try? current.isSigned(by: $0.publicKey())) == true }) {
                guard root.isValid(at: time) else {
                    throw TPMError(.certificateChain, "root \(root.subject.commonName ?? "") is valid \(root.notBefore)..\(root.notAfter), not at \(time)")
                }
                return
            }
            guard let issuer = intermediates.first(where: {
                $0 != current && $0.subject == current.issuer && (try? current.isSigned(by: $0.publicKey())) == true
            }) else {
                throw TPMError(.certificateChain, "\(name): no trusted root or given intermediate issued it (issuer \(current.issuer))")
            }
            guard isCA(issuer) else {
                throw TPMError(.certificateChain, "\(issuer.subject.commonName ?? "an intermediate") signed \(name) but is not a CA (basicConstraints)")
            }
            current = issuer
        }
        throw TPMError(.certificateChain, "the AK certificate chain is longer than 8")
    }

    /// basicConstraints present with cA TRUE.
    static func isCA(_ certificate: X509Certificate) -> Bool {
        guard let constraints = certificate.extensions[oid: [2, 5, 29, 19]], let node = try? DER.parse(constraints.value),
              case .constructed(let fields) = node.content, let first = fields.first(where: { _ in true })
        else { return false }
        return (try? Bool(derEncoded: first)) == true
    }
}
