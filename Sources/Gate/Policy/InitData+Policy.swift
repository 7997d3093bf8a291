import InitData

/// The init-data document that carries a pod's agent policy into the guest: `[data]` with `"policy.rego"`.
///
/// Its digest, which the TEE binds into the attestation (SNP HOST_DATA, TDX MRCONFIGID, PCR 8), is the hash of the
/// TOML file's bytes with the named algorithm (guest-components `Initdata::parse_and_get_digest` hashes
/// `toml.as_bytes()`); reading, writing and the digest are the `InitData` target's.
extension InitData {
    /// The `[data]` entry that holds the agent policy.
    public static let policyFileName = "policy.rego"

    /// Writes init-data carrying `policy`.
    /// - Throws: ``InitDataError`` when the policy contains `\'\'\'`, which a TOML literal string cannot hold.
    public init(policy: String, algorithm: InitDataAlgorithm = .sha256) throws(InitDataError) {
        try self.init(writing: [Self.policyFileName: policy], algorithm: algorithm)
    }

    /// The agent policy the document carries, if any.
    public var policy: String? { data[Self.policyFileName] }
}
