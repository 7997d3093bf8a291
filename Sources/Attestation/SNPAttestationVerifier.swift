import Foundation
import HermeticCore
import SEVSNP

/// The `snp` verifier: SEV-SNP evidence (binary report, hex, or Trustee's JSON) through ``SNPVerifier``.
public struct SNPAttestationVerifier: AttestationVerifier {
    /// The roots of trust.
    public var trustStore: AMDTrustStore
    /// Collateral supplied by the operator.
    public var collateral: SNPCollateral
    /// The validation policy.
    public var policy: SNPPolicy
    private let verifier: SNPVerifier

    public var tee: TEE { .snp }

    /// Creates the verifier.
    ///
    /// - Parameters:
    ///   - trustStore: the AMD roots (bundled ones, possibly overridden).
    ///   - collateral: endorsement keys, CRLs and VCEK stores.
    ///   - policy: the validation policy.
    ///   - verifier: the underlying verifier, whose chain cache is shared.
    public init(trustStore: AMDTrustStore, collateral: SNPCollateral = SNPCollateral(), policy: SNPPolicy = SNPPolicy(), verifier: SNPVerifier = SNPVerifier()) {
        self.trustStore = trustStore
        self.collateral = collateral
        self.policy = policy
        self.verifier = verifier
    }

    public func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        try await evaluate(try SNPEvidence.parse(evidence), expectedReportData: expectedReportData, expectedInitDataDigest: expectedInitDataDigest, at: time)
    }

    public func evaluate(
        evidenceJSON: JSONValue, expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        try await evaluate(try SNPEvidence.parse(json: evidenceJSON), expectedReportData: expectedReportData, expectedInitDataDigest: expectedInitDataDigest, at: time)
    }

    private func evaluate(
        _ parsed: SNPEvidence, expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        let options = SNPVerificationOptions(
            time: time, trustStore: trustStore, collateral: collateral,
            expectedReportData: expectedReportData, expectedHostData: expectedInitDataDigest, policy: policy
        )
        let verified = try await verifier.verify(parsed, options: options)
        return [Claims(verified.claims, deviceClass: .cpu)]
    }
}
