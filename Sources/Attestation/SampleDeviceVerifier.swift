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
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(evidence)), case .object = document else {
            throw SampleVerifier.Failure(kind: .malformed, description: "sampledevice: evidence is not a JSON object")
        }
        guard let svn = document["svn"]?.stringValue else {
            throw SampleVerifier.Failure(kind: .malformed, description: "sampledevice: evidence has no \"svn\" string")
        }
        let reportData = document["report_data"]?.stringValue ?? ""
        if case .value(let expected) = expectedReportData {
            guard let bound = Base64.decode(reportData) else {
                throw SampleVerifier.Failure(kind: .malformed, description: "sampledevice: report_data is not base64")
            }
            guard ConstantTime.equals(bound, expected) else {
                throw SampleVerifier.Failure(kind: .rejected, description: "sampledevice: report_data \(Hex.encode(bound)) differs from the expected \(Hex.encode(expected))")
            }
        }
        return [Claims(["svn": .string(svn), "report_data": .string(reportData)], deviceClass: .gpu)]
    }
}
