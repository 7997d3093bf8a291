/// What TPM2_MakeCredential produces and TPM2_ActivateCredential consumes: the credential blob (TPM2B_ID_OBJECT's
/// contents: the integrity HMAC as a TPM2B_DIGEST, then encIdentity) and the seed encrypted to the EK
/// (TPM2B_ENCRYPTED_SECRET's contents).
public struct EncryptedCredential: Sendable, Hashable {
    /// TPM2B_ID_OBJECT without its size: integrityHMAC (TPM2B_DIGEST) ‖ encIdentity.
    public let credentialBlob: [UInt8]
    /// TPM2B_ENCRYPTED_SECRET without its size: an RSA-OAEP ciphertext, or a marshaled TPMS_ECC_POINT.
    public let secret: [UInt8]

    /// Wraps the two parts.
    public init(credentialBlob: [UInt8], secret: [UInt8]) {
        self.credentialBlob = credentialBlob
        self.secret = secret
    }

    private static let tpm2ToolsMagic: UInt32 = 0xBADC_C0DE

    /// The file `tpm2_makecredential -o` writes and `tpm2_activatecredential -i` reads: magic 0xBADCC0DE, version 1,
    /// TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET.
    public var tpm2ToolsFile: [UInt8] {
        var writer = TPMWriter()
        writer.u32(Self.tpm2ToolsMagic)
        writer.u32(1)
        writer.sized(credentialBlob)
        writer.sized(secret)
        return writer.bytes
    }

    /// Reads tpm2-tools' credential file.
    ///
    /// - Throws: ``TPMError`` (`structure_format`) for a wrong magic or version, truncation or trailing bytes.
    public init(tpm2ToolsFile bytes: [UInt8]) throws {
        var reader = TPMReader(bytes)
        guard try reader.u32("credential file magic") == Self.tpm2ToolsMagic else {
            throw TPMError(.malformedStructure, "credential file: the magic is not 0xBADCC0DE")
        }
        let version = try reader.u32("credential file version")
        guard version == 1 else { throw TPMError(.malformedStructure, "credential file: version \(version) is not 1") }
        let blob = try reader.sized("TPM2B_ID_OBJECT")
        let secret = try reader.sized("TPM2B_ENCRYPTED_SECRET")
        try reader.expectEnd("credential file")
        self.init(credentialBlob: blob, secret: secret)
    }
}
