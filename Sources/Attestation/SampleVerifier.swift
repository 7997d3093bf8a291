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
        claims(try SampleEvidence(evidence, tee: "sample", expected: expectedReportData), expectedInitDataDigest)
    }

    public func evaluate(
        evidenceJSON: JSONValue, expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        claims(try SampleEvidence(document: evidenceJSON, tee: "sample", expected: expectedReportData), expectedInitDataDigest)
    }

    private func claims(_ evidence: SampleEvidence, _ expectedInitDataDigest: ExpectedData) -> [Claims] {
        var claims: [String: JSONValue] = [
            "svn": .string(evidence.svn),
            "report_data": .string(evidence.reportData),
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
