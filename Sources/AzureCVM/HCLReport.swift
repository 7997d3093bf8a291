import TPM

/// The report Azure's paravisor (HCL) produces for a confidential VM (the layout of Azure's `hcl` report, version
/// 1 and 2): a 32-byte header starting `HCLA`, the hardware report at 0x20 (an SNP report of 1184 bytes or a
/// 1024-byte TDREPORT), the IGVM request data at 0x4C0 (`data_size`, `version`, `report_type` (2 = SNP, 4 = TDX),
/// `hash_type` (1 = SHA-256), `variable_data_size`), then the runtime JSON at 0x4D4, whose SHA-256 the hardware
/// report's report_data binds.
public struct HCLReport: Sendable, Hashable {
    /// The hardware report type.
    public enum ReportType: UInt32, Sendable {
        /// An AMD SEV-SNP attestation report.
        case snp = 2
        /// An Intel TDX TDREPORT.
        case tdx = 4
    }

    /// The header's version word.
    public let version: UInt32
    /// The hardware report type.
    public let reportType: ReportType
    /// The hardware report bytes (1184 for SNP, 1024 for TDX).
    public let hardwareReport: [UInt8]
    /// The hash type (1 = SHA-256).
    public let hashType: UInt32
    /// The runtime JSON, as bound.
    public let runtimeData: [UInt8]

    /// Reads an HCL report.
    ///
    /// - Throws: ``TPMError`` (`evidence_format`) naming the field that is wrong or does not fit.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 0x4D4 else { throw TPMError(.malformedEvidence, "HCL report has \(bytes.count) bytes, the header and request data need 1236") }
        guard bytes.prefix(4) == [0x48, 0x43, 0x4C, 0x41] else { throw TPMError(.malformedEvidence, "HCL report does not start with HCLA") }
        func le32(_ offset: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) } }
        version = le32(4)
        guard let type = ReportType(rawValue: le32(0x4C0 + 8)) else {
            throw TPMError(.malformedEvidence, "HCL report type \(le32(0x4C0 + 8)) is neither SNP (2) nor TDX (4)")
        }
        reportType = type
        hashType = le32(0x4C0 + 12)
        guard hashType == 1 else { throw TPMError(.unsupported, "HCL runtime data hash type \(hashType) is not SHA-256 (1)") }
        let size = Int(le32(0x4C0 + 16))
        guard size <= bytes.count - 0x4D4 else {
            throw TPMError(.malformedEvidence, "HCL runtime data declares \(size) bytes, \(bytes.count - 0x4D4) remain")
        }
        runtimeData = Array(bytes[0x4D4..<0x4D4 + size])
        hardwareReport = Array(bytes[0x20..<0x20 + (type == .snp ? 1184 : 1024)])
    }

    /// The vTPM attestation key: the JWK with kid `HCLAkPub` in the runtime JSON's `keys`.
    ///
    /// - Throws: ``TPMError`` (`evidence_format`) when the JSON has no such RSA key.
    public func attestationKey() throws -> AttestationKey {
        try RuntimeData(bytes: runtimeData).key(id: "HCLAkPub")
    }
}
