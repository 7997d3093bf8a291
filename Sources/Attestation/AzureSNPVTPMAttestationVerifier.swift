import AzureCVM
import Foundation
import HermeticCore
import SEVSNP

/// The `az-snp-vtpm` verifier: Azure SEV-SNP confidential VM evidence (Trustee's JSON, versions 0, 1 and 2).
public struct AzureSNPVTPMAttestationVerifier: AttestationVerifier {
    public let tee: TEE = .azSNPvTPM
    private let verifier: AzureSNPVTPMVerifier

    /// Creates the verifier with the AMD roots (bundled by default).
    public init(trustStore: AMDTrustStore? = nil, policy: SNPPolicy = SNPPolicy()) throws {
        verifier = AzureSNPVTPMVerifier(trustStore: try trustStore ?? AMDTrustStore.bundled(), policy: policy)
    }

    public func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        let parsed = try AzureVTPMEvidence.parse(evidence)
        return [Claims(try await verifier.verify(parsed, expectedReportData: expectedReportData, expectedInitData: expectedInitDataDigest, at: time), deviceClass: .cpu)]
    }
}
