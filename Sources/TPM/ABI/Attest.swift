/// A TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE: what the attestation key signs in TPM2_Quote (Part 2, 10.12.12).
///
/// Parsing checks the layout only; the magic and type are kept as read and checked by the verifier, so a
/// flipped magic is reported as such rather than as a format error.
public struct Attest: Sendable, Hashable {
    /// TPM_GENERATED_VALUE, the magic every TPM-produced attestation starts with.
    public static let generatedValue: UInt32 = 0xFF54_4347
    /// TPM_ST_ATTEST_QUOTE.
    public static let quoteType: UInt16 = 0x8018

    /// The marshaled bytes, as signed.
    public let bytes: [UInt8]
    /// `magic`.
    public let magic: UInt32
    /// `type`.
    public let type: UInt16
    /// `qualifiedSigner`: the TPM2B_NAME of the signing key's qualified name.
    public let qualifiedSigner: [UInt8]
    /// `extraData`: the caller's qualifying data (the nonce).
    public let extraData: [UInt8]
    /// `clockInfo.clock` in milliseconds.
    public let clock: UInt64
    /// `clockInfo.resetCount`.
    public let resetCount: UInt32
    /// `clockInfo.restartCount`.
    public let restartCount: UInt32
    /// `clockInfo.safe`.
    public let safe: UInt8
    /// `firmwareVersion`.
    public let firmwareVersion: UInt64
    /// `attested.quote.pcrSelect`.
    public let pcrSelection: PCRSelection
    /// `attested.quote.pcrDigest`.
    public let pcrDigest: [UInt8]

    /// Reads a marshaled TPMS_ATTEST holding a quote.
    ///
    /// - Throws: ``TPMError`` (`structure_format`) when it is truncated, has trailing bytes, or is not a quote
    ///   (other attestation types have other bodies); `attest_type` when the type is another attestation.
    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        var reader = TPMReader(bytes)
        magic = try reader.u32("TPMS_ATTEST.magic")
        type = try reader.u16("TPMS_ATTEST.type")
        qualifiedSigner = try reader.sized("TPMS_ATTEST.qualifiedSigner")
        extraData = try reader.sized("TPMS_ATTEST.extraData")
        clock = try reader.u64("TPMS_ATTEST.clockInfo.clock")
        resetCount = try reader.u32("TPMS_ATTEST.clockInfo.resetCount")
        restartCount = try reader.u32("TPMS_ATTEST.clockInfo.restartCount")
        safe = try reader.u8("TPMS_ATTEST.clockInfo.safe")
        firmwareVersion = try reader.u64("TPMS_ATTEST.firmwareVersion")
        guard type == Self.quoteType else {
            throw TPMError(.attestType, "TPMS_ATTEST.type is 0x\(String(type, radix: 16)), not TPM_ST_ATTEST_QUOTE (0x8018)")
        }
        pcrSelection = try PCRSelection(from: &reader)
        pcrDigest = try reader.sized("TPMS_QUOTE_INFO.pcrDigest")
        try reader.expectEnd("TPMS_ATTEST")
    }
}
