import Foundation
import HermeticCore

/// The unsigned evidence of Trustee's development TEEs (`sample` and `sampledevice`): `{"svn": "1",
/// "report_data": "<base64>"}`, with the report data checked against the expected binding and nothing else.
struct SampleEvidence {
    /// The security version the evidence claims.
    var svn: String
    /// The report data as sent (base64).
    var reportData: String

    /// Parses `evidence` for the TEE named `tee` and checks its report data.
    ///
    /// - Throws: ``SampleVerifier/Failure`` naming the TEE: malformed JSON, no `svn`, report data that is not base64
    ///   or differs from `expected`.
    init(_ evidence: [UInt8], tee: String, expected: ExpectedData) throws {
        guard let document = try? JSONValue(parsing: evidence) else {
            throw SampleVerifier.Failure(kind: .malformed, description: "\(tee): evidence is not a JSON object")
        }
        try self.init(document: document, tee: tee, expected: expected)
    }

    /// Reads evidence already parsed from JSON, with the same checks.
    init(document: JSONValue, tee: String, expected: ExpectedData) throws {
        guard case .object = document else {
            throw SampleVerifier.Failure(kind: .malformed, description: "\(tee): evidence is not a JSON object")
        }
        guard let svn = document["svn"]?.stringValue else {
            throw SampleVerifier.Failure(kind: .malformed, description: "\(tee): evidence has no \"svn\" string")
        }
        let reportData = document["report_data"]?.stringValue ?? ""
        if case .value(let expected) = expected {
            guard let bound = Base64.decode(reportData) else {
                throw SampleVerifier.Failure(kind: .malformed, description: "\(tee): report_data is not base64")
            }
            guard ConstantTime.equals(bound, expected) else {
                throw SampleVerifier.Failure(kind: .rejected, description: "\(tee): report_data \(Hex.encode(bound)) differs from the expected \(Hex.encode(expected))")
            }
        }
        self.svn = svn
        self.reportData = reportData
    }
}
