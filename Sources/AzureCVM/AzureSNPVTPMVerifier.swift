import Crypto
import Foundation
import HermeticCore
import PKI
import SEVSNP
import TPM

/// Verifies Azure SEV-SNP confidential VM evidence: the SNP report through ``SNPVerifier`` (VCEK chain to the AMD
/// root, signature, TCB, policy), report_data[0:32] = SHA-256(runtime JSON), the vTPM quote with the AK from that
/// JSON (kid `HCLAkPub`): signature, PCR digest, nonce; and PCR 8 against the init-data digest.
public struct AzureSNPVTPMVerifier: Sendable {
    /// The AMD roots.
    public let trustStore: AMDTrustStore
    /// The SNP validation policy.
    public let policy: SNPPolicy
    private let snp = SNPVerifier()

    /// Creates the verifier.
    public init(trustStore: AMDTrustStore, policy: SNPPolicy = SNPPolicy()) {
        self.trustStore = trustStore
        self.policy = policy
    }

    /// Verifies `evidence` and returns Trustee's claims: the SNP claims, `report_data` and `init_data` from the vTPM
    /// quote, and the vTPM's under `tpm` (`pcr00`..`pcr23`).
    ///
    /// - Throws: ``TPMError`` (prefix `az-snp-vtpm`) or the SNP verifier's error.
    public func verify(_ evidence: AzureVTPMEvidence, expectedReportData: ExpectedData, expectedInitData: ExpectedData, at time: Date) async throws -> [String: JSONValue] {
        let prefix = "az-snp-vtpm"
        do {
            guard evidence.hclReport.reportType == .snp else { throw TPMError(.malformedEvidence, "the HCL report holds a TDX report, not SNP") }
            guard let vcek = evidence.vcek else { throw TPMError(.collateralUnavailable, "the evidence carries no VCEK") }
            let report = try AttestationReport(bytes: evidence.hclReport.hardwareReport)
            let verified = try await snp.verify(
                SNPEvidence(report: report, certificates: [CertificateTable.Entry(kind: .vcek, der: vcek)]),
                options: SNPVerificationOptions(time: time, trustStore: trustStore, policy: policy)
            )
            let runtimeHash = Array(SHA256.hash(data: evidence.hclReport.runtimeData))
            guard ConstantTime.equals(evidence.hclReport.hardwareReport[0x50..<0x70], runtimeHash) else {
                throw TPMError(.reportData, "the SNP report_data does not bind the HCL runtime data (SHA-256 \(Hex.encode(runtimeHash)))")
            }
            let key = try evidence.hclReport.attestationKey()
            try QuoteVerifier.verify(evidence.quote, key: key, expectedNonce: expectedReportData)
            try TPMClaims.checkInitData(evidence.quote.pcrs, expected: expectedInitData)
            var claims = verified.claims
            let tpm = TPMClaims.claims(quote: evidence.quote, key: key)
            claims["tpm"] = .object(tpm.filter { $0.key.hasPrefix("pcr") && $0.key != "pcrs" })
            claims["report_data"] = tpm["report_data"]
            claims["init_data"] = tpm["init_data"]
            claims["runtime_data"] = (try? JSONDecoder().decode(JSONValue.self, from: Data(evidence.hclReport.runtimeData))) ?? .null
            return claims
        } catch let error as TPMError {
            throw error.reported(as: prefix)
        }
    }
}
