import Foundation
import HermeticCore

/// One verifier per TEE, as in Trustee: it proves the evidence authentic (signature, chain to the vendor root,
/// report-data and init-data binding) and turns it into claims, one set per device the evidence covers.
///
/// Appraisal against reference values happens later, on the claims, in policy.
public protocol AttestationVerifier: Sendable {
    /// The TEE whose evidence this verifier reads.
    var tee: TEE { get }

    /// Verifies `evidence` and returns its claims.
    ///
    /// - Parameters:
    ///   - evidence: the evidence bytes in any form the verifier accepts.
    ///   - expectedReportData: the value the evidence must bind (the nonce and key digest), or `.notProvided`.
    ///   - expectedInitDataDigest: the init-data digest the evidence must bind, or `.notProvided`.
    ///   - time: the instant at which collateral must be valid.
    /// - Returns: the claims of each device, the CPU first.
    /// - Throws: a ``ClassifiedError`` naming the failed check.
    func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims]

    /// Verifies evidence that arrived as a JSON value inside a request body, and returns its claims.
    ///
    /// A verifier whose evidence format is JSON reads the value directly; the default writes it out as text and calls
    /// ``evaluate(evidence:expectedReportData:expectedInitDataDigest:at:)``, so both paths accept the same evidence.
    func evaluate(
        evidenceJSON: JSONValue, expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims]
}

extension AttestationVerifier {
    public func evaluate(
        evidenceJSON: JSONValue, expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        try await evaluate(evidence: Array(evidenceJSON.serialized().utf8), expectedReportData: expectedReportData,
                           expectedInitDataDigest: expectedInitDataDigest, at: time)
    }
}
