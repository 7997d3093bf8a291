import HermeticCore

/// An evidence source whose key is bound to the platform during RCAR (TPM EK binding): it adds members to auth's
/// `extra-params` and answers the challenge's `extra-params` (a JSON string, `""` when the broker does not bind)
/// inside its evidence. ``KBSClient/attest(evidence:key:initDataTOML:)`` uses both when a source conforms.
public protocol BoundEvidenceSource: EvidenceSource {
    /// Members for auth's `extra-params`; empty when the platform offers no binding (then nothing is added).
    func authExtraParams() throws -> [String: JSONValue]
    /// Evidence binding `reportData`, answering the broker's binding challenge when `challengeExtraParams` carries
    /// one.
    func evidence(reportData: [UInt8], challengeExtraParams: String) async throws -> JSONValue
}
