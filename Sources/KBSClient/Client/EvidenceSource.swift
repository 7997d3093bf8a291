import HermeticCore

/// Where a guest's evidence comes from: the hardware, or a stand-in for tests and demonstrations.
public protocol EvidenceSource: Sendable {
    /// The TEE the evidence is for.
    var tee: TEE { get }
    /// Fresh evidence binding `reportData` (the runtime-data digest), as the JSON the attest body carries.
    func evidence(reportData: [UInt8]) async throws -> JSONValue
}

/// Trustee's `sample` attester: `{"svn":"1","report_data":<base64>}`. It proves nothing; brokers refuse it unless
/// explicitly told otherwise.
public struct SampleEvidenceSource: EvidenceSource {
    /// Creates the source.
    public init() {}

    public var tee: TEE { .sample }

    public func evidence(reportData: [UInt8]) async throws -> JSONValue {
        .object(["svn": .string("1"), "report_data": .string(Base64.encode(reportData))])
    }
}
