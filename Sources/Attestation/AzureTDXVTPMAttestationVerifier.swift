import AzureCVM
import Foundation
import HermeticCore
import PKI

/// The `az-tdx-vtpm` verifier: Azure TDX confidential VM evidence (Trustee's JSON, versions 0 and 1). The TD
/// quote's signatures and PCK chain are verified; its TCB level is reported as not appraised.
public struct AzureTDXVTPMAttestationVerifier: AttestationVerifier {
    public let tee: TEE = .azTDXvTPM
    private let verifier: AzureTDXVTPMVerifier

    /// Creates the verifier with the bundled Intel SGX Root CA unless another root is given.
    public init(root: X509Certificate? = nil) throws {
        verifier = try AzureTDXVTPMVerifier(root: root)
    }

    public func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        let parsed = try AzureVTPMEvidence.parse(evidence)
        return [Claims(try verifier.verify(parsed, expectedReportData: expectedReportData, expectedInitData: expectedInitDataDigest, at: time), deviceClass: .cpu)]
    }
}
