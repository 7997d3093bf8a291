import Foundation
import HermeticCore

/// The development TEE Trustee calls `sample`: the evidence `{"svn": "1", "report_data": "<base64>"}` carries no
/// signature, so it proves nothing. It exists so the pipeline can run without hardware, and the registry refuses
/// it unless explicitly enabled.
public struct SampleVerifier: AttestationVerifier {
    /// An error about sample evidence.
    public struct Failure: ClassifiedError {
        public let kind: FailureKind
        public let description: String
    }

    public var tee: TEE { .sample }

    /// Creates the verifier.
    public init() {}

    public func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(evidence)), case .object = document else {
            throw Failure(kind: .malformed, description: "sample: evidence is not a JSON object")
        }
        guard let svn = document["svn"]?.stringValue else {
            throw Failure(kind: .malformed, description: "sample: evidence has no \"svn\" string")
        }
        let reportData = document["report_data"]?.stringValue ?? ""
        if case .value(let expected) = expectedReportData {
            guard let bound = Base64.decode(reportData) else {
                throw Failure(kind: .malformed, description: "sample: report_data is not base64")
            }
            guard ConstantTime.equals(bound, expected) else {
                throw Failure(kind: .rejected, description: "sample: report_data \(Hex.encode(bound)) differs from the expected \(Hex.encode(expected))")
            }
        }
        var claims: [String: JSONValue] = [
            "svn": .string(svn),
            "report_data": .string(reportData),
            "launch_digest": .string("abcde"),
            "platform_version": .object(["major": .int(1), "minor": .int(4)]),
            "debug": .bool(false),
        ]
        if case .value(let digest) = expectedInitDataDigest {
            claims["init_data"] = .string(Base64.encode(digest))
        }
        return [Claims(claims, deviceClass: .cpu)]
    }
}
