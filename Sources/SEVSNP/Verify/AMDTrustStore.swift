import PKI

/// The AMD roots of trust a verifier accepts: per product line, the ARK and the keys it signed for VCEKs (ASK) and
/// VLEKs (ASVK).
///
/// The AMD roots for Milan, Genoa and Turin are bundled (``bundled()``). Chains a user passes explicitly replace
/// the bundled entry of their product. Certificates carried inside evidence never enter a trust store.
public struct AMDTrustStore: Sendable, Hashable {
    /// The roots of one product line.
    public struct Roots: Sendable, Hashable {
        /// The AMD Root Key certificate (self-signed).
        public var ark: X509Certificate
        /// The AMD SEV Key certificate, signer of VCEKs.
        public var ask: X509Certificate?
        /// The AMD SEV VLEK Key certificate, signer of VLEKs.
        public var asvk: X509Certificate?

        /// Creates the roots of one product line.
        public init(ark: X509Certificate, ask: X509Certificate? = nil, asvk: X509Certificate? = nil) {
            self.ark = ark
            self.ask = ask
            self.asvk = asvk
        }

        /// The certificate that signs endorsement keys of `kind`.
        public func signer(for kind: EndorsementKey.Kind) -> X509Certificate? { kind == .vcek ? ask : asvk }
    }

    /// The roots by product line.
    public var roots: [SNPProduct: Roots]

    /// Creates a store from explicit roots.
    public init(roots: [SNPProduct: Roots]) { self.roots = roots }

    /// The AMD roots bundled with Hermetic.
    ///
    /// - Throws: only if the bundled certificates were damaged at build time.
    public static func bundled() throws -> AMDTrustStore {
        try bundledStore.get()
    }

    private static let bundledStore = Result<AMDTrustStore, Error> {
        let chains = [
            BundledAMDRoots.milanVCEK, BundledAMDRoots.milanVLEK, BundledAMDRoots.genoaVCEK,
            BundledAMDRoots.genoaVLEK, BundledAMDRoots.turinVCEK, BundledAMDRoots.turinVLEK,
        ]
        var certificates: [X509Certificate] = []
        for chain in chains {
            for der in try PEMFile.derDocuments(in: Array(chain.utf8), labels: ["CERTIFICATE"]) {
                certificates.append(try X509Certificate(derEncoded: der))
            }
        }
        return try AMDTrustStore(certificates: certificates)
    }

    /// Builds a store from ARK, ASK and ASVK certificates, sorted into products by their common names
    /// (`ARK-<product>`, `SEV-<product>`, `SEV-VLEK-<product>`).
    ///
    /// - Throws: ``SNPError`` `.malformedCollateral` when a name names no known product, a product has signers but
    ///   no ARK, or two different ARKs claim one product.
    public init(certificates: [X509Certificate]) throws {
        var arks: [SNPProduct: X509Certificate] = [:]
        var signers: [(SNPProduct, EndorsementKey.Kind, X509Certificate)] = []
        for certificate in certificates {
            let name = certificate.subject.commonName ?? ""
            guard let role = Self.role(of: name) else {
                throw SNPError(.malformedCollateral, "certificate \"\(name)\" is not an AMD ARK, ASK or ASVK")
            }
            switch role.1 {
            case nil:
                if let existing = arks[role.0], existing != certificate {
                    throw SNPError(.malformedCollateral, "two different ARKs for \(role.0.rawValue)")
                }
                arks[role.0] = certificate
            case .some(let kind):
                signers.append((role.0, kind, certificate))
            }
        }
        var roots: [SNPProduct: Roots] = [:]
        for (product, ark) in arks { roots[product] = Roots(ark: ark) }
        for (product, kind, certificate) in signers {
            guard roots[product] != nil else {
                throw SNPError(.malformedCollateral, "\(certificate.subject.commonName ?? "") is given without the ARK of \(product.rawValue)")
            }
            if kind == .vcek { roots[product]?.ask = certificate } else { roots[product]?.asvk = certificate }
        }
        self.roots = roots
    }

    /// A copy in which every product of `overrides` has the overriding entry.
    public func overridden(by overrides: AMDTrustStore) -> AMDTrustStore {
        AMDTrustStore(roots: roots.merging(overrides.roots) { _, new in new })
    }

    /// The product and role of an AMD CA certificate's common name: `nil` role is the ARK.
    private static func role(of commonName: String) -> (SNPProduct, EndorsementKey.Kind?)? {
        for (prefix, kind) in [("ARK-", nil), ("SEV-VLEK-", EndorsementKey.Kind.vlek), ("ASVK-", .vlek), ("SEV-", .vcek), ("ASK-", .vcek)] as [(String, EndorsementKey.Kind?)] {
            if commonName.hasPrefix(prefix), let product = SNPProduct(productName: String(commonName.dropFirst(prefix.count))) {
                return (product, kind)
            }
        }
        return nil
    }
}
