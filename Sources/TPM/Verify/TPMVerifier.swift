#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI

/// Verifies TPM evidence: the attestation key against the operator's trust, then every quote, the nonce, the
/// init-data binding, and the event log's replay when the evidence carries one; returns Trustee-named claims of the quote over the SHA-256 bank (or the first quote).
public struct TPMVerifier: Sendable {
    /// What the operator trusts to sign quotes.
    public let trust: AKTrust

    /// Creates a verifier.
    public init(trust: AKTrust) { self.trust = trust }

    /// The result of a verification.
    public struct Result: Sendable {
        /// The key that signed.
        public let key: AttestationKey
        /// The AK certificate that established the key, if one did.
        public let akCertificate: X509Certificate?
        /// The claims.
        public let claims: [String: JSONValue]
    }

    /// Verifies `evidence`.
    ///
    /// - Parameters:
    ///   - evidence: the parsed evidence.
    ///   - expectedNonce: what every quote's extraData must carry, or `.notProvided`.
    ///   - expectedInitData: the init-data digest PCR 8 must bind, or `.notProvided`.
    ///   - time: when certificates must be valid.
    /// - Throws: ``TPMError`` naming the failed check.
    public func verify(_ evidence: TPMEvidence, expectedNonce: ExpectedData, expectedInitData: ExpectedData, at time: Date) throws -> Result {
        guard !evidence.quotes.isEmpty else { throw TPMError(.malformedEvidence, "the evidence holds no quote") }
        let (key, certificate) = try trust.resolve(
            evidenceKey: evidence.attestationKey, evidenceCertificate: evidence.akCertificate,
            evidenceIntermediates: evidence.intermediates, at: time
        )
        for (index, quote) in evidence.quotes.enumerated() {
            do { try QuoteVerifier.verify(quote, key: key, expectedNonce: expectedNonce, parents: trust.parents) } catch let error as TPMError where evidence.quotes.count > 1 {
                throw TPMError(error.code, "quote \(index): \(error.message)")
            }
        }
        let main = evidence.quotes.first { $0.attest.pcrSelection.banks.contains { $0.hash == .sha256 } } ?? evidence.quotes[0]
        var merged = PCRBanks()
        for quote in evidence.quotes {
            for bank in quote.attest.pcrSelection.banks {
                for pcr in bank.pcrs { merged[bank.hash, pcr] = quote.pcrs[bank.hash, pcr] }
            }
        }
        try TPMClaims.checkInitData(merged, expected: expectedInitData)
        var claims = TPMClaims.claims(quote: TPMQuote(attest: main.attest, signature: main.signature, pcrs: merged), key: key)
        if let eventLog = evidence.eventLog { claims["eventlog"] = try Self.checkEventLog(eventLog, quoted: merged) }
        if let certificate {
            claims["ak_certificate"] = .object([
                "subject": .string(certificate.subject.description), "issuer": .string(certificate.issuer.description),
                "not_before": .string(Timestamp.text(certificate.notBefore)), "not_after": .string(Timestamp.text(certificate.notAfter)),
            ])
        }
        return Result(key: key, akCertificate: certificate, claims: claims)
    }
}
