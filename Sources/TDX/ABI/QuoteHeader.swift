/// The 48-byte header every DCAP quote starts with (Intel TDX DCAP Quoting Library API, Appendix A, "Quote Header").
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 2 | version (3 SGX, 4 TDX, 5 TDX 1.5) |
/// | 2 | 2 | attestation key type (2 = ECDSA P-256) |
/// | 4 | 4 | TEE type (0x00 SGX, 0x81 TDX) |
/// | 8 | 2 | QE SVN (reserved in v4/v5) |
/// | 10 | 2 | PCE SVN (reserved in v4/v5) |
/// | 12 | 16 | QE vendor ID |
/// | 28 | 20 | user data |
public struct QuoteHeader: Sendable, Hashable {
    /// The header size.
    public static let size = 48
    /// Intel's QE vendor ID, `939a7233f79c4ca9940a0db3957f0607`.
    public static let intelQEVendorID: [UInt8] = [0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07]

    /// The quote format version.
    public let version: UInt16
    /// The attestation key type.
    public let attestationKeyType: UInt16
    /// The TEE type.
    public let teeType: UInt32
    /// Bytes 8–11: QE SVN and PCE SVN in v3, reserved in v4 and v5.
    public let reserved: [UInt8]
    /// The QE vendor ID.
    public let qeVendorID: [UInt8]
    /// Vendor-defined user data (Intel's QE puts the platform's QE ID here).
    public let userData: [UInt8]

    /// The QE SVN (bytes 8–9).
    public var qeSVN: UInt16 { UInt16(reserved[0]) | UInt16(reserved[1]) << 8 }
    /// The PCE SVN (bytes 10–11).
    public var pceSVN: UInt16 { UInt16(reserved[2]) | UInt16(reserved[3]) << 8 }
    /// The TEE type of SGX quotes.
    public static let teeTypeSGX: UInt32 = 0x00
    /// The TEE type of TDX quotes.
    public static let teeTypeTDX: UInt32 = 0x81

    init(_ cursor: inout ByteCursor) throws {
        version = try cursor.u16("header.version")
        attestationKeyType = try cursor.u16("header.att_key_type")
        teeType = try cursor.u32("header.tee_type")
        reserved = try cursor.take(4, "header.reserved")
        qeVendorID = try cursor.take(16, "header.qe_vendor_id")
        userData = try cursor.take(20, "header.user_data")
    }
}
