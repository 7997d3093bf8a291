import HermeticCore

extension TPMClient {
    /// TPM_RH_NULL.
    public static let nullHandle: UInt32 = 0x4000_0007

    /// TPM2_StartAuthSession: an unsalted, unbound policy session (TPM_SE_POLICY) with SHA-256 and no parameter
    /// encryption. Returns the session handle.
    ///
    /// - Parameter nonceCaller: 16 to 32 octets (fresh random octets by default).
    /// - Throws: ``TPMError`` (`command`) when the TPM refuses.
    public func startPolicySession(nonceCaller: [UInt8] = SecureRandom.bytes(32)) throws -> UInt32 {
        var params = TPMWriter()
        params.sized(nonceCaller)
        params.sized([])  // encryptedSalt: none
        params.u8(0x01)  // TPM_SE_POLICY
        params.u16(TPMAlgorithm.null.rawValue)  // symmetric: no parameter encryption
        params.u16(TPMAlgorithm.sha256.rawValue)  // authHash
        var reader = try execute(code: 0x176, name: "TPM2_StartAuthSession", handles: [Self.nullHandle, Self.nullHandle], params: params.bytes)
        let handle = try reader.u32("sessionHandle")
        _ = try reader.sized("nonceTPM")
        return handle
    }

    /// TPM2_PolicySecret: asserts in `session` that the caller knows the authorization of `authHandle` (the empty
    /// endorsement hierarchy password by default), which is what the TCG EK templates' policy asks for.
    ///
    /// - Throws: ``TPMError`` (`command`) when the TPM refuses.
    public func policySecret(session: UInt32, authHandle: UInt32 = endorsementHierarchy) throws {
        var params = TPMWriter()
        params.sized([])  // nonceTPM: no freshness binding
        params.sized([])  // cpHashA
        params.sized([])  // policyRef
        params.u32(0)  // expiration
        var reader = try execute(code: 0x151, name: "TPM2_PolicySecret", handles: [authHandle, session], sessions: [.password], params: params.bytes)
        _ = try reader.u32("parameterSize")
        _ = try reader.sized("timeout")
    }

    /// TPM2_ActivateCredential: recovers the credential that MakeCredential protected for the object `activate` (the
    /// AK, authorized by its empty password) under `key` (the EK, authorized by `keySession`, a policy session that
    /// satisfied the EK's policy; the TPM flushes it after success unless it was marked to continue).
    ///
    /// - Returns: the credential (certInfo).
    /// - Throws: ``TPMError`` (`command`): TPM_RC_INTEGRITY when the blob was not made for this object name and EK,
    ///   or was altered.
    public func activateCredential(activate: UInt32, key: UInt32, keySession: UInt32, credential: EncryptedCredential) throws -> [UInt8] {
        var params = TPMWriter()
        params.sized(credential.credentialBlob)
        params.sized(credential.secret)
        var reader = try execute(code: 0x147, name: "TPM2_ActivateCredential", handles: [activate, key],
                                 sessions: [.password, .policy(keySession)], params: params.bytes)
        _ = try reader.u32("parameterSize")
        return try reader.sized("certInfo")
    }
}
