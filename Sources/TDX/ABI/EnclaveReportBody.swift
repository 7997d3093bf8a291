/// The 384-byte SGX report body: the ISV enclave's report in an SGX quote, and the QE report in every quote.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 16 | CPUSVN |
/// | 16 | 4 | MISCSELECT |
/// | 20 | 12 | reserved |
/// | 32 | 16 | ISVEXTPRODID |
/// | 48 | 16 | ATTRIBUTES (flags 8, XFRM 8) |
/// | 64 | 32 | MRENCLAVE |
/// | 96 | 32 | reserved |
/// | 128 | 32 | MRSIGNER |
/// | 160 | 32 | reserved |
/// | 192 | 64 | CONFIGID |
/// | 256 | 2 | ISVPRODID |
/// | 258 | 2 | ISVSVN |
/// | 260 | 2 | CONFIGSVN |
/// | 262 | 42 | reserved |
/// | 304 | 16 | ISVFAMILYID |
/// | 320 | 64 | REPORTDATA |
public struct EnclaveReportBody: Sendable, Hashable {
    /// The body size.
    public static let size = 384

    /// The body as received: what the QE report signature covers.
    public let bytes: [UInt8]
    /// CPUSVN.
    public let cpuSVN: [UInt8]
    /// MISCSELECT.
    public let miscSelect: UInt32
    /// Bytes 20–31.
    public let reserved1: [UInt8]
    /// ISVEXTPRODID.
    public let isvExtProdID: [UInt8]
    /// ATTRIBUTES: eight bytes of flags, then eight of XFRM.
    public let attributes: [UInt8]
    /// MRENCLAVE.
    public let mrEnclave: [UInt8]
    /// Bytes 96–127.
    public let reserved2: [UInt8]
    /// MRSIGNER.
    public let mrSigner: [UInt8]
    /// Bytes 160–191.
    public let reserved3: [UInt8]
    /// CONFIGID.
    public let configID: [UInt8]
    /// ISVPRODID.
    public let isvProdID: UInt16
    /// ISVSVN.
    public let isvSVN: UInt16
    /// CONFIGSVN.
    public let configSVN: UInt16
    /// Bytes 262–303.
    public let reserved4: [UInt8]
    /// ISVFAMILYID.
    public let isvFamilyID: [UInt8]
    /// REPORTDATA.
    public let reportData: [UInt8]

    /// Whether the enclave is a debug enclave (ATTRIBUTES.DEBUG, bit 1).
    public var debug: Bool { attributes[0] & 0x02 != 0 }

    init(_ cursor: inout ByteCursor, field: String) throws {
        var body = ByteCursor(try cursor.take(Self.size, field))
        bytes = body.bytes
        cpuSVN = try body.take(16, "\(field).cpu_svn")
        miscSelect = try body.u32("\(field).misc_select")
        reserved1 = try body.take(12, "\(field).reserved1")
        isvExtProdID = try body.take(16, "\(field).isv_ext_prod_id")
        attributes = try body.take(16, "\(field).attributes")
        mrEnclave = try body.take(32, "\(field).mr_enclave")
        reserved2 = try body.take(32, "\(field).reserved2")
        mrSigner = try body.take(32, "\(field).mr_signer")
        reserved3 = try body.take(32, "\(field).reserved3")
        configID = try body.take(64, "\(field).config_id")
        isvProdID = try body.u16("\(field).isv_prod_id")
        isvSVN = try body.u16("\(field).isv_svn")
        configSVN = try body.u16("\(field).config_svn")
        reserved4 = try body.take(42, "\(field).reserved4")
        isvFamilyID = try body.take(16, "\(field).isv_family_id")
        reportData = try body.take(64, "\(field).report_data")
    }
}
