import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI

/// A report that passed every check, with what was learned on the way.
public struct VerifiedSNPReport: Sendable {
    /// The report.
    public let report: AttestationReport
    /// Its product line.
    public let product: SNPProduct
    /// The key that signed it.
    public let endorsementKey: EndorsementKey

    /// The claims, named and typed as Trustee's SNP verifier emits them.
    public var claims: [String: JSONValue] { SNPClaims.claims(of: report, product: product, signer: endorsementKey.kind) }
}

/// Verifies SEV-SNP evidence the way a relying party must: report signature by the VCEK or VLEK, that key's chain
/// to a trusted AMD root, validity windows and revocation at the given time, the key's TCB and chip ID against the
/// report, the freshness and init-data bindings, and the validation policy.
///
/// A verifier keeps a cache of checked chains; share one instance across requests.
public final class SNPVerifier: Sendable {
    private let cache: ChainCache

    /// Creates a verifier whose chain cache holds up to `cacheCapacity` endorsement keys.
    public init(cacheCapacity: Int = 1024) {
        cache = ChainCache(capacity: cacheCapacity)
    }

    /// Verifies `evidence`.
    ///
    /// - Returns: the verified report.
    /// - Throws: ``SNPError`` naming the first failed check.
    public func verify(_ evidence: SNPEvidence, options: SNPVerificationOptions) async throws -> VerifiedSNPReport {
        let report = evidence.report
        let kind = try Self.signerKind(of: report)
        let candidates = try await endorsementKeys(for: evidence, kind: kind, options: options)
        var firstFailure: Error?
        for key in candidates {
            do {
                let product = try Self.product(of: report, key: key)
                let reportKey = try checkChain(of: key, product: product, options: options)
                try Self.checkBinding(of: key, to: report, product: product)
                try Self.checkSignature(evidence, signedBy: reportKey, kind: key.kind, product: product)
                try Self.checkExpectations(report, options: options)
                let violations = options.policy.violations(of: report, product: product, signer: key.kind)
                guard violations.isEmpty else {
                    throw SNPError(.policy, "policy: " + violations.map(\.description).joined(separator: "; "))
                }
                return VerifiedSNPReport(report: report, product: product, endorsementKey: key)
            } catch {
                if firstFailure == nil { firstFailure = error }
            }
        }
        throw firstFailure ?? SNPError(.endorsementKeyUnavailable, "no \(kind.rawValue) for this report")
    }

    // MARK: - Endorsement key

    private static func signerKind(of report: AttestationReport) throws -> EndorsementKey.Kind {
        switch report.signerInfo.signingKey {
        case .vcek: return .vcek
        case .vlek: return .vlek
        case .none: throw SNPError(.signature, "report is unsigned (signing key: none)")
        case .reserved(let value): throw SNPError(.malformedReport, "report names reserved signing key \(value)")
        }
    }

    /// The candidate keys of the right kind, those whose hwID matches the chip first.
    private func endorsementKeys(
        for evidence: SNPEvidence, kind: EndorsementKey.Kind, options: SNPVerificationOptions
    ) async throws -> [EndorsementKey] {
        var all: [EndorsementKey] = []
        for entry in evidence.certificates where entry.kind == .vcek || entry.kind == .vlek {
            let certificate: X509Certificate
            do { certificate = try X509Certificate(derEncoded: entry.der) } catch {
                throw SNPError(.malformedEvidence, "the evidence's \(entry.kind.rawValue) certificate does not parse: \(error)")
            }
            all.append(try EndorsementKey(certificate: certificate))
        }
        for certificate in options.collateral.endorsementKeys {
            all.append(try EndorsementKey(certificate: certificate))
        }
        var matching = all.filter { $0.kind == kind }
        if matching.isEmpty, kind == .vcek {
            matching = try await fetchVCEKs(for: evidence.report, fetchers: options.collateral.fetchers)
        }
        guard !matching.isEmpty else {
            if let other = all.first {
                throw SNPError(
                    .signerKind,
                    "report is signed by a \(kind.rawValue) (signer info 0x\(String(evidence.report.signerInfo.rawValue, radix: 16))) "
                        + "but the endorsement key given is a \(other.kind.rawValue)"
                )
            }
            throw SNPError(.endorsementKeyUnavailable, Self.missingKeyMessage(evidence.report, kind: kind))
        }
        let chip = evidence.report.chipID
        return matching.filter { $0.hardwareID.map { chip.starts(with: $0) } ?? false }
            + matching.filter { !($0.hardwareID.map { chip.starts(with: $0) } ?? false) }
    }

    private func fetchVCEKs(for report: AttestationReport, fetchers: [any CollateralFetcher]) async throws -> [EndorsementKey] {
        guard !fetchers.isEmpty else { return [] }
        let products: [SNPProduct] = report.productFromCPUID.map { [$0] } ?? (report.version < 3 ? [.milan, .genoa] : [])
        for product in products {
            let url = AMDKDS.vcekURL(AMDKDS.VCEKRequest(report: report, product: product))
            for fetcher in fetchers {
                let body: [UInt8]?
                do { body = try await fetcher.fetch(url) } catch {
                    throw SNPError(.endorsementKeyUnavailable, "fetching \(url) failed: \(error)")
                }
                guard let body else { continue }
                let documents = (try? PEMFile.derDocuments(in: body, labels: ["CERTIFICATE"])) ?? [body]
                guard let der = documents.first, let certificate = try? X509Certificate(derEncoded: der) else {
                    throw SNPError(.malformedCollateral, "the VCEK fetched for \(url) does not parse")
                }
                return [try EndorsementKey(certificate: certificate)]
            }
        }
        return []
    }

    private static func missingKeyMessage(_ report: AttestationReport, kind: EndorsementKey.Kind) -> String {
        guard kind == .vcek else { return "no VLEK for this report: pass it with --collateral" }
        let tcb = report.reportedTCB.components(report.productFromCPUID?.tcbLayout ?? .milanGenoa)
        let url = report.productFromCPUID.map { AMDKDS.vcekURL(AMDKDS.VCEKRequest(report: report, product: $0)) }
        return "no VCEK for chip \(chipLabel(report.chipID)) at TCB \(tcb): pass it with --collateral or an offline store"
            + (url.map { " (KDS: \($0))" } ?? "")
    }

    // MARK: - Product

    private static func product(of report: AttestationReport, key: EndorsementKey) throws -> SNPProduct {
        let fromCertificate = key.product ?? Self.productFromIssuer(key.certificate)
        if let cpuid = report.cpuid {
            guard let fromCPUID = SNPProduct(family: cpuid.family, model: cpuid.model) else {
                throw SNPError(.product, "report CPUID family 0x\(String(cpuid.family, radix: 16)) model 0x\(String(cpuid.model, radix: 16)) is no SEV-SNP product this verifier knows")
            }
            if let fromCertificate, fromCertificate != fromCPUID {
                throw SNPError(.product, "report CPUID names \(fromCPUID.rawValue) but the \(key.kind.rawValue) is for \(fromCertificate.rawValue)")
            }
            return fromCPUID
        }
        guard let fromCertificate else {
            throw SNPError(.product, "version \(report.version) report has no CPUID and the \(key.kind.rawValue) names no product")
        }
        return fromCertificate
    }

    /// `SEV-Milan`, `SEV-VLEK-Genoa`: the product in the issuer's common name.
    private static func productFromIssuer(_ certificate: X509Certificate) -> SNPProduct? {
        guard let name = certificate.issuer.commonName else { return nil }
        return SNPProduct(productName: name.replacing("SEV-VLEK-", with: "").replacing("SEV-", with: ""))
    }

    // MARK: - Chain

    /// Checks the key's chain to a trusted root, its validity and revocation, and returns its P-384 key.
    private func checkChain(of key: EndorsementKey, product: SNPProduct, options: SNPVerificationOptions) throws -> P384.Signing.PublicKey {
        guard let roots = options.trustStore.roots[product] else {
            throw SNPError(.certificateChain, "no trusted AMD root for \(product.rawValue)")
        }
        let signerName = key.kind == .vcek ? "ASK" : "ASVK"
        guard let signer = roots.signer(for: key.kind) else {
            throw SNPError(.certificateChain, "no trusted \(signerName) for \(product.rawValue)")
        }
        let leaf = key.certificate
        let cacheKey = ChainCache.Key(leaf: leaf.derBytes, signer: signer.derBytes, root: roots.ark.derBytes)
        let reportKey: P384.Signing.PublicKey
        if let cached = cache.publicKey(for: cacheKey) {
            reportKey = cached
        } else {
            guard leaf.issuer == signer.subject else {
                throw SNPError(.certificateChain, "\(key.kind.rawValue) issuer \"\(leaf.issuer.commonName ?? "")\" is not the trusted \(signerName) \"\(signer.subject.commonName ?? "")\" of \(product.rawValue)")
            }
            let arkKey = try Self.publicKey(of: roots.ark, "ARK")
            guard roots.ark.isSigned(by: arkKey) else {
                throw SNPError(.certificateChain, "ARK \"\(roots.ark.subject.commonName ?? "")\" is not self-signed")
            }
            guard signer.issuer == roots.ark.subject, signer.isSigned(by: arkKey) else {
                throw SNPError(.certificateChain, "\(signerName) \"\(signer.subject.commonName ?? "")\" is not signed by the ARK of \(product.rawValue)")
            }
            guard leaf.isSigned(by: try Self.publicKey(of: signer, signerName)) else {
                throw SNPError(.certificateChain, "\(key.kind.rawValue) is not signed by the \(signerName) \"\(signer.subject.commonName ?? "")\" of \(product.rawValue)")
            }
            guard case .p384(let leafKey) = try Self.publicKey(of: leaf, key.kind.rawValue) else {
                throw SNPError(.certificateChain, "\(key.kind.rawValue) key is not ECDSA P-384")
            }
            cache.insert(leafKey, for: cacheKey)
            reportKey = leafKey
        }
        for (certificate, role) in [(leaf, key.kind.rawValue), (signer, signerName), (roots.ark, "ARK")] {
            guard certificate.isValid(at: options.time) else {
                throw SNPError(
                    .certificateValidity,
                    "\(role) certificate \"\(certificate.subject.commonName ?? "")\" is not valid at \(Timestamp.text(options.time)) "
                        + "(valid \(Timestamp.text(certificate.notBefore)) to \(Timestamp.text(certificate.notAfter)))"
                )
            }
        }
        try checkRevocation([leaf, signer], ark: roots.ark, product: product, options: options)
        return reportKey
    }

    private func checkRevocation(_ certificates: [X509Certificate], ark: X509Certificate, product: SNPProduct, options: SNPVerificationOptions) throws {
        let arkKey = try Self.publicKey(of: ark, "ARK")
        for crl in options.collateral.crls where crl.issuer == ark.subject {
            guard crl.isSigned(by: arkKey) else {
                throw SNPError(.revocation, "CRL of \"\(crl.issuer.commonName ?? "")\" is not signed by the ARK of \(product.rawValue)")
            }
            guard crl.thisUpdate <= options.time else {
                throw SNPError(.revocation, "CRL of \"\(crl.issuer.commonName ?? "")\" is issued \(Timestamp.text(crl.thisUpdate)), after \(Timestamp.text(options.time))")
            }
            if let next = crl.nextUpdate, next < options.time {
                throw SNPError(.revocation, "CRL of \"\(crl.issuer.commonName ?? "")\" is stale: next update was due \(Timestamp.text(next))")
            }
            for certificate in certificates {
                if let entry = crl.revocation(of: certificate), entry.revocationDate <= options.time {
                    throw SNPError(.revocation, "\"\(certificate.subject.commonName ?? "")\" serial \(Hex.encode(certificate.serialNumber)) is revoked since \(Timestamp.text(entry.revocationDate))")
                }
            }
        }
    }

    // MARK: - Binding of key to report

    private static func checkBinding(of key: EndorsementKey, to report: AttestationReport, product: SNPProduct) throws {
        let reported = report.reportedTCB.components(product.tcbLayout)
        var certified = key.tcb
        if product != .turin { certified.fmc = nil }
        guard certified == reported else {
            throw SNPError(.tcbMismatch, "\(key.kind.rawValue) TCB (\(certified)) differs from the reported TCB (\(reported))")
        }
        if key.kind == .vcek, let hardwareID = key.hardwareID {
            let chip = Array(report.chipID.prefix(product.hardwareIDLength))
            guard hardwareID == chip else {
                throw SNPError(.chipIDMismatch, "VCEK hwID \(chipLabel(hardwareID)) differs from the report's chip ID \(chipLabel(chip))")
            }
        }
    }

    // MARK: - Report signature

    private static func checkSignature(
        _ evidence: SNPEvidence, signedBy publicKey: P384.Signing.PublicKey, kind: EndorsementKey.Kind, product: SNPProduct
    ) throws {
        let report = evidence.report
        guard report.signatureAlgorithm == 1 else {
            throw SNPError(.signature, "signature algorithm \(report.signatureAlgorithm) is not ECDSA P-384 with SHA-384 (1)")
        }
        let owner = kind == .vcek ? "VCEK of chip \(chipLabel(report.chipID))" : "VLEK of \(product.rawValue)"
        guard let signature = try? P384.Signing.ECDSASignature(rawRepresentation: report.signature.rawP384),
              publicKey.isValidSignature(signature, for: SHA384.hash(data: evidence.reportBytes[AttestationReport.signedRange]))
        else {
            throw SNPError(.signature, "report signature does not verify with the \(owner)")
        }
    }

    // MARK: - Bindings

    private static func checkExpectations(_ report: AttestationReport, options: SNPVerificationOptions) throws {
        if let expected = options.expectedReportData.fitted(to: 64), !ConstantTime.equals(expected, report.reportData) {
            throw SNPError(.reportData, "REPORT_DATA \(Hex.encode(report.reportData)) differs from the expected \(Hex.encode(expected))")
        }
        if let expected = options.expectedHostData.fitted(to: 32), !ConstantTime.equals(expected, report.hostData) {
            throw SNPError(.hostData, "HOST_DATA \(Hex.encode(report.hostData)) differs from the expected init-data digest \(Hex.encode(expected))")
        }
    }

    // MARK: - Helpers

    private static func publicKey(of certificate: X509Certificate, _ role: String) throws -> PKI.PublicKey {
        do { return try certificate.publicKey() } catch {
            throw SNPError(.certificateChain, "\(role) public key is unusable: \(error)")
        }
    }
}

/// A chip ID shortened for messages: its first four bytes and an ellipsis.
func chipLabel(_ chipID: [UInt8]) -> String {
    Hex.encode(chipID.prefix(4)) + (chipID.count > 4 ? "…" : "")
}
