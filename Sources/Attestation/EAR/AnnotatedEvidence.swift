import HermeticCore

/// The claims an appraisal policy reads and an EAR carries as `ear.veraison.annotated-evidence`, shaped as
/// Trustee's attestation service shapes them: the verifier's claims under the TEE's name, with `report_data` and
/// `init_data` moved to the top level, then the runtime data and init-data claims beside them.
public enum AnnotatedEvidence {
    /// Builds the annotated evidence for one device.
    ///
    /// - Parameters:
    ///   - tee: the TEE whose verifier produced the claims (its name is the key, as in `input.snp`).
    ///   - claims: the verifier's claims.
    ///   - runtimeData: the runtime data the report data binds (`nonce`, `tee-pubkey`, ...), or `nil`.
    ///   - initDataClaims: the parsed init-data, or `nil`.
    public static func make(tee: TEE, claims: Claims, runtimeData: JSONValue?, initDataClaims: JSONValue? = nil) -> JSONValue {
        var deviceClaims = claims.values
        var members: [String: JSONValue] = [:]
        for moved in ["report_data", "init_data"] {
            if let value = deviceClaims.removeValue(forKey: moved) { members[moved] = value }
        }
        members[tee.rawValue] = .object(deviceClaims)
        members["runtime_data_claims"] = runtimeData ?? .null
        members["init_data_claims"] = initDataClaims ?? .null
        return .object(members)
    }
}
