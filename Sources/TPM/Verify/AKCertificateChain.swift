import Foundation
import PKI

/// Path validation for an AK (or EK) certificate: each certificate signed by the next, up to one of the given
/// roots, every one valid at the verification time.
///
/// Issuers are found by name (the issuer's subject DER equals the child's issuer DER) and confirmed by signature.
/// Google's AK certificates have an empty subject; only issuer names take part in the search, so that is fine.
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
            current = issuer
        }
        throw TPMError(.certificateChain, "the AK certificate chain is longer than 8")
    }
}
