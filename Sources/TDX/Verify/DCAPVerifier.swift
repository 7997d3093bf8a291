import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI

/// Verifies DCAP quotes (SGX v3, TDX v4 and v5) as Intel's Quote Verification Library does, offline, against
/// collateral checked once (``CheckedCollateral``):
///
/// 1. the PCK leaf → PCK Platform or Processor CA → root chain, validity windows, and revocation by the PCK CRL
///    and the root CA CRL;
/// 2. the QE report's signature by the PCK, and its report data = SHA-256(attestation key ‖ QE authentication
///    data) followed by zeros;
/// 3. the quote's signature over header and body by the attestation key;
/// 4. the TCB info for the PCK's FMSPC and the QE identity, valid at the time; the platform TCB level from the
///    PCK's SVNs and PCESVN (and for TDX the TEE TCB SVN); the TDX module identity; the QE identity and level;
///    the converged TCB status with its advisories.
///
/// The verifier keeps a cache of checked PCK chains; share one instance across requests.
public final class DCAPVerifier: Sendable {
    private let cache: PCKChainCache

    /// Creates a verifier whose chain cache holds up to `cacheCapacity` PCK chains.
    public init(cacheCapacity: Int = 1024) {
        cache = PCKChainCache(capacity: cacheCapacity)
    }

    /// Verifies `quote` against `collateral` at `time`.
    ///
    /// - Returns: the verified quote with its TCB verdict. The verdict is not judged here: a policy decides which
    ///   statuses it accepts.
    /// - Throws: ``TDXError`` naming the first failed check.
    public func verify(_ quote: Quote, collateral: CheckedCollateral, at time: Date) throws -> VerifiedQuote {
        guard quote.header.qeVendorID == QuoteHeader.intelQEVendorID else {
            throw TDXError(.unsupported, "QE vendor ID \(Hex.encode(quote.header.qeVendorID)) is not Intel's")
        }
        let pck = try checkChain(quote, collateral: collateral, at: time)
        try Self.checkQEReport(quote, pckKey: pck.key)
        try Self.checkQuoteSignature(quote)
        var window = CollateralWindow(time: time)
        for certificate in [pck.leaf, pck.issuer, collateral.root] { window.include(certificate) }
        let tcbInfo = try Self.select(
            collateral.tcbInfos.filter { $0.document.fmspc == pck.extensions.fmspc && $0.document.id == (quote.isTDX ? "TDX" : "SGX") },
            what: "\(quote.isTDX ? "TDX" : "SGX") TCB info for FMSPC \(Hex.encode(pck.extensions.fmspc))",
            issue: \.issueDate, next: \.nextUpdate, number: \.tcbEvaluationDataNumber, at: time, window: &window
        )
        let qeIdentity = try Self.select(
            collateral.qeIdentities.filter { $0.document.id == (quote.isTDX ? "TD_QE" : "QE") },
            what: "QE identity \(quote.isTDX ? "TD_QE" : "QE")",
            issue: \.issueDate, next: \.nextUpdate, number: \.tcbEvaluationDataNumber, at: time, window: &window
        )
        guard tcbInfo.pceID == pck.extensions.pceID else {
            throw TDXError(.tcbLevel, "TCB info PCE ID \(Hex.encode(tcbInfo.pceID)) differs from the PCK's \(Hex.encode(pck.extensions.pceID))")
        }
        for checked in collateral.crls where checked.issuer == pck.issuer || checked.issuer == collateral.root {
            window.include(checked.crl)
        }
        let platform = try TCBEvaluation.platformLevel(quote: quote, pck: pck.extensions, tcbInfo: tcbInfo)
        let module = try TCBEvaluation.moduleLevel(quote: quote, tcbInfo: tcbInfo)
        let qe = try TCBEvaluation.qeLevel(quote.signatureData.qeReport, identity: qeIdentity)
        var verdict = TCBVerdict(status: platform.status, advisoryIDs: platform.advisoryIDs, tcbDate: platform.tcbDate)
        if let module { verdict = verdict.converged(with: TCBVerdict(status: module.status, advisoryIDs: module.advisoryIDs)) }
        verdict = verdict.converged(with: TCBVerdict(status: qe.status, advisoryIDs: qe.advisoryIDs))
        return VerifiedQuote(
            quote: quote, pck: pck.extensions, verdict: verdict, platformStatus: platform.status, moduleStatus: module?.status,
            qeStatus: qe.status, tcbInfo: tcbInfo, qeIdentity: qeIdentity, earliestIssueDate: window.earliestIssue,
            latestIssueDate: window.latestIssue, earliestExpirationDate: window.earliestExpiry
        )
    }

    /// Checks the quote's signatures and PCK chain to `root` without TCB collateral: what can be said of a quote
    /// whose platform has no TCB info at hand. Revocation is not checked.
    ///
    /// - Returns: what the PCK certificate says about the platform.
    /// - Throws: ``TDXError`` naming the first failed check.
    public func verifySignatures(_ quote: Quote, root: X509Certificate, at time: Date) throws -> PCKExtensions {
        let collateral = try CheckedCollateral(DCAPCollateral(), root: root)
        let pck = try checkChain(quote, collateral: collateral, at: time, requireCRLs: false)
        try Self.checkQEReport(quote, pckKey: pck.key)
        try Self.checkQuoteSignature(quote)
        return pck.extensions
    }

    // MARK: - PCK chain

    private func checkChain(_ quote: Quote, collateral: CheckedCollateral, at time: Date, requireCRLs: Bool = true) throws -> PCKChainCache.Entry {
        let chain = quote.signatureData.pckCertificateChain
        let cacheKey = PCKChainCache.Key(chain: chain, root: collateral.root.derBytes)
        let entry: PCKChainCache.Entry
        if let cached = cache.entry(for: cacheKey) {
            entry = cached
        } else {
            entry = try Self.buildChain(chain, collateral: collateral)
            cache.insert(entry, for: cacheKey)
        }
        for (certificate, role) in [(entry.leaf, "PCK certificate"), (entry.issuer, "PCK CA"), (collateral.root, "Intel root")] {
            guard certificate.isValid(at: time) else {
                throw TDXError(.collateralExpired, "\(role) \"\(certificate.subject.commonName ?? "")\" is valid \(Timestamp.text(certificate.notBefore)) to \(Timestamp.text(certificate.notAfter)), not at \(Timestamp.text(time))")
            }
        }
        guard requireCRLs else { return entry }
        try Self.checkRevocation(of: entry.issuer, by: collateral.root, role: "PCK CA", crlName: "root CA CRL", collateral: collateral, at: time)
        try Self.checkRevocation(of: entry.leaf, by: entry.issuer, role: "PCK certificate", crlName: "PCK CRL of \"\(entry.issuer.subject.commonName ?? "")\"", collateral: collateral, at: time)
        return entry
    }

    private static func buildChain(_ pem: [UInt8], collateral: CheckedCollateral) throws -> PCKChainCache.Entry {
        let text = Array(pem.prefix { $0 != 0 })
        let certificates: [X509Certificate]
        do {
            certificates = try PEMFile.derDocuments(in: text, labels: ["CERTIFICATE"]).map { try X509Certificate(derEncoded: $0) }
        } catch {
            throw TDXError(.malformedQuote, "the quote's PCK certificate chain does not parse: \(error)")
        }
        guard let leaf = certificates.first else {
            throw TDXError(.malformedQuote, "the quote's PCK certificate chain holds no certificate")
        }
        let rootKey = try CheckedCollateral.key(of: collateral.root, "Intel root")
        guard let issuer = (certificates.dropFirst() + collateral.intermediates).first(where: { $0.subject == leaf.issuer && $0.issuer == collateral.root.subject }) else {
            throw TDXError(.certificateChain, "PCK certificate issuer \"\(leaf.issuer.commonName ?? "")\" is not among the chain's CAs issued by \"\(collateral.root.subject.commonName ?? "")\"")
        }
        guard issuer.isSigned(by: rootKey) else {
            throw TDXError(.certificateChain, "PCK CA \"\(issuer.subject.commonName ?? "")\" is not signed by the trusted root \"\(collateral.root.subject.commonName ?? "")\"")
        }
        guard leaf.isSigned(by: try CheckedCollateral.key(of: issuer, "PCK CA")) else {
            throw TDXError(.certificateChain, "PCK certificate is not signed by \"\(issuer.subject.commonName ?? "")\"")
        }
        guard case .p256(let key) = try CheckedCollateral.key(of: leaf, "PCK certificate") else {
            throw TDXError(.certificateChain, "PCK certificate key is not ECDSA P-256")
        }
        return PCKChainCache.Entry(leaf: leaf, issuer: issuer, key: key, extensions: try PCKExtensions(certificate: leaf))
    }

    private static func checkRevocation(
        of certificate: X509Certificate, by issuer: X509Certificate, role: String, crlName: String, collateral: CheckedCollateral, at time: Date
    ) throws {
        let crls = collateral.crls.filter { $0.issuer == issuer }.map(\.crl)
        guard !crls.isEmpty else {
            throw TDXError(.collateralUnavailable, "no \(crlName) in the collateral")
        }
        guard let crl = crls.filter({ $0.thisUpdate <= time && ($0.nextUpdate.map { time <= $0 } ?? true) }).max(by: { $0.thisUpdate < $1.thisUpdate }) else {
            let crl = crls.max { $0.thisUpdate < $1.thisUpdate } ?? crls[0]
            throw TDXError(.collateralExpired, "\(crlName) is valid \(Timestamp.text(crl.thisUpdate)) to \(crl.nextUpdate.map(Timestamp.text) ?? "-"), not at \(Timestamp.text(time))")
        }
        if let entry = crl.revocation(of: certificate), entry.revocationDate <= time {
            throw TDXError(.revocation, "\(role) \"\(certificate.subject.commonName ?? "")\" serial \(Hex.encode(certificate.serialNumber)) is revoked since \(Timestamp.text(entry.revocationDate)) by the \(crlName)")
        }
    }

    // MARK: - Signatures

    private static func checkQEReport(_ quote: Quote, pckKey: P256.Signing.PublicKey) throws {
        let data = quote.signatureData
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: data.qeReportSignature),
              pckKey.isValidSignature(signature, for: SHA256.hash(data: data.qeReport.bytes))
        else {
            throw TDXError(.qeReportSignature, "QE report signature does not verify with the PCK certificate's key")
        }
        let expected = Array(SHA256.hash(data: data.attestationKey + data.qeAuthenticationData)) + [UInt8](repeating: 0, count: 32)
        guard ConstantTime.equals(expected, data.qeReport.reportData) else {
            throw TDXError(.qeBinding, "QE report data \(Hex.encode(data.qeReport.reportData.prefix(32)))… is not SHA-256(attestation key ‖ QE authentication data) = \(Hex.encode(expected.prefix(32)))")
        }
    }

    private static func checkQuoteSignature(_ quote: Quote) throws {
        let data = quote.signatureData
        guard let key = try? P256.Signing.PublicKey(rawRepresentation: data.attestationKey) else {
            throw TDXError(.quoteSignature, "attestation key is not a P-256 point")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: data.signature),
              key.isValidSignature(signature, for: SHA256.hash(data: quote.signedBytes))
        else {
            throw TDXError(.quoteSignature, "quote signature over header and body does not verify with the attestation key")
        }
    }

    // MARK: - Collateral selection

    /// The document valid at `time` with the highest TCB evaluation data number (then the latest), signed by a
    /// certificate valid at `time`.
    private static func select<D>(
        _ candidates: [CheckedCollateral.Signed<D>], what: String, issue: KeyPath<D, Date>, next: KeyPath<D, Date>,
        number: KeyPath<D, Int>, at time: Date, window: inout CollateralWindow
    ) throws -> D {
        guard !candidates.isEmpty else {
            throw TDXError(.collateralUnavailable, "no \(what) in the collateral")
        }
        let current = candidates.filter { $0.document[keyPath: issue] <= time && time <= $0.document[keyPath: next] }
        guard !current.isEmpty else {
            let latest = candidates.max { $0.document[keyPath: issue] < $1.document[keyPath: issue] } ?? candidates[0]
            throw TDXError(.collateralExpired, "\(what) is valid \(Timestamp.text(latest.document[keyPath: issue])) to \(Timestamp.text(latest.document[keyPath: next])) (next update), not at \(Timestamp.text(time))")
        }
        let signed = current.compactMap { candidate in candidate.signers.first { $0.isValid(at: time) }.map { (candidate, $0) } }
        guard let (chosen, signer) = signed.max(by: {
            ($0.0.document[keyPath: number], $0.0.document[keyPath: issue]) < ($1.0.document[keyPath: number], $1.0.document[keyPath: issue])
        }) else {
            let window = current.first?.signers.first.map { " is valid \(Timestamp.text($0.notBefore)) to \(Timestamp.text($0.notAfter)), not" } ?? " is not valid"
            throw TDXError(.collateralExpired, "TCB signing certificate of the \(what)\(window) at \(Timestamp.text(time))")
        }
        window.include(issued: chosen.document[keyPath: issue], expires: chosen.document[keyPath: next])
        window.include(signer)
        return chosen.document
    }
}

/// The earliest and latest issue dates and the earliest expiry of the collateral a verification used.
struct CollateralWindow {
    var earliestIssue: Date
    var latestIssue: Date
    var earliestExpiry: Date

    init(time: Date) {
        earliestIssue = .distantFuture
        latestIssue = .distantPast
        earliestExpiry = .distantFuture
    }

    mutating func include(issued: Date, expires: Date?) {
        earliestIssue = min(earliestIssue, issued)
        latestIssue = max(latestIssue, issued)
        if let expires { earliestExpiry = min(earliestExpiry, expires) }
    }

    mutating func include(_ certificate: X509Certificate) { include(issued: certificate.notBefore, expires: certificate.notAfter) }

    mutating func include(_ crl: CertificateRevocationList) { include(issued: crl.thisUpdate, expires: crl.nextUpdate) }
}
