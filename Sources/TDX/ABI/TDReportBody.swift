/// The TD report body of a TDX quote: TD 1.0 (584 bytes, quote v4 and v5 type 2) or TD 1.5 (648 bytes, v5 type 3).
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 16 | TEE_TCB_SVN |
/// | 16 | 48 | MRSEAM |
/// | 64 | 48 | MRSIGNERSEAM |
/// | 112 | 8 | SEAMATTRIBUTES |
/// | 120 | 8 | TDATTRIBUTES |
/// | 128 | 8 | XFAM |
/// | 136 | 48 | MRTD |
/// | 184 | 48 | MRCONFIGID |
/// | 232 | 48 | MROWNER |
/// | 280 | 48 | MROWNERCONFIG |
/// | 328 | 4 × 48 | RTMR0–3 |
/// | 520 | 64 | REPORTDATA |
/// | 584 | 16 | TEE_TCB_SVN2 (TD 1.5) |
/// | 600 | 48 | MRSERVICETD (TD 1.5) |
public struct TDReportBody: Sendable, Hashable {
    /// The TD 1.0 body size.
    public static let size10 = 584
    /// The TD 1.5 body size.
    public static let size15 = 648

    /// TEE_TCB_SVN: the TDX module's SVNs (byte 0 the module ISV SVN, byte 1 its major version).
    public let teeTCBSVN: [UInt8]
    /// MRSEAM: the TDX module's measurement.
    public let mrSeam: [UInt8]
    /// MRSIGNERSEAM: the TDX module signer (zero for Intel's module).
    public let mrSignerSeam: [UInt8]
    /// SEAMATTRIBUTES.
    public let seamAttributes: [UInt8]
    /// TDATTRIBUTES.
    public let tdAttributes: TDAttributes
    /// XFAM: the extended features the TD may use.
    public let xfam: [UInt8]
    /// MRTD: the initial TD measurement.
    public let mrTD: [UInt8]
    /// MRCONFIGID: software-defined configuration (init-data digest).
    public let mrConfigID: [UInt8]
    /// MROWNER.
    public let mrOwner: [UInt8]
    /// MROWNERCONFIG.
    public let mrOwnerConfig: [UInt8]
    /// RTMR0–3, the runtime measurement registers.
    public let rtmrs: [[UInt8]]
    /// REPORTDATA: 64 bytes chosen by the TD.
    public let reportData: [UInt8]
    /// TEE_TCB_SVN2 (TD 1.5 bodies only).
    public let teeTCBSVN2: [UInt8]?
    /// MRSERVICETD (TD 1.5 bodies only).
    public let mrServiceTD: [UInt8]?

    /// Whether this is a TD 1.5 body.
    public var isTD15: Bool { teeTCBSVN2 != nil }

    init(_ cursor: inout ByteCursor, td15: Bool) throws {
        teeTCBSVN = try cursor.take(16, "body.tee_tcb_svn")
        mrSeam = try cursor.take(48, "body.mr_seam")
        mrSignerSeam = try cursor.take(48, "body.mrsigner_seam")
        seamAttributes = try cursor.take(8, "body.seam_attributes")
        tdAttributes = TDAttributes(bytes: try cursor.take(8, "body.td_attributes"))
        xfam = try cursor.take(8, "body.xfam")
        mrTD = try cursor.take(48, "body.mr_td")
        mrConfigID = try cursor.take(48, "body.mr_config_id")
        mrOwner = try cursor.take(48, "body.mr_owner")
        mrOwnerConfig = try cursor.take(48, "body.mr_owner_config")
        var registers: [[UInt8]] = []
        for index in 0..<4 { registers.append(try cursor.take(48, "body.rtmr_\(index)")) }
        rtmrs = registers
        reportData = try cursor.take(64, "body.report_data")
        if td15 {
            teeTCBSVN2 = try cursor.take(16, "body.tee_tcb_svn2")
            mrServiceTD = try cursor.take(48, "body.mr_servicetd")
        } else {
            teeTCBSVN2 = nil
            mrServiceTD = nil
        }
    }
}
