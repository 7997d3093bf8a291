import Foundation
import HermeticCore

/// The development device Trustee calls `sampledevice`: a stand-in GPU whose evidence `{"svn": "1", "report_data":
/// "<base64>"}` carries no signature. It lets the composite (CPU plus device) path of the protocol run without a GPU;
/// like ``SampleVerifier`` it proves nothing, and the registry refuses it unless samples are explicitly allowed.
public struct SampleDeviceVerifier: AttestationVerifier {
    public var tee: TEE { .sampleDevice }

    /// Creates the verifier.
    public init() {}

    public func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        let evidence = try SampleEvidence(evidence, tee: "sampledevice", expected: expectedReportData)
        return [Claims(["svn": .string(evidence.svn), "report_data": .string(evidence.reportData)], deviceClass: .gpu)]
    }
}
