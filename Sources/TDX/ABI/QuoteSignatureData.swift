/// The ECDSA-P256 quote signature data that follows the body (Intel DCAP Quoting Library API, "ECDSA 256-bit
/// Quote Signature Data Structure"), in its two layouts.
///
/// Version 3 (SGX): signature (64) ‖ attestation key (64) ‖ QE report (384) ‖ QE report signature (64) ‖
/// QE authentication data (u16 size ‖ data) ‖ certification data (u16 type ‖ u32 size ‖ data).
///
/// Versions 4 and 5: signature (64) ‖ attestation key (64) ‖ certification data of type 6 (u16 type ‖ u32 size ‖
/// QE report (384) ‖ QE report signature (64) ‖ QE authentication data ‖ certification data).
///
/// The innermost certification data must be type 5: the PCK leaf, its CA and the root, as PEM.
public struct QuoteSignatureData: Sendable, Hashable {
    /// Certification data type 5: the PCK certificate chain in PEM.
    public static let pckChainType: UInt16 = 5
    /// Certification data type 6: QE report certification data (v4 and v5).
    public static let qeReportCertificationDataType: UInt16 = 6

    /// The quote signature, raw r ‖ s, over header ‖ body with the attestation key.
    public let signature: [UInt8]
    /// The attestation key, raw x ‖ y of a P-256 point.
    public let attestationKey: [UInt8]
    /// The QE's report, signed by the PCK.
    public let qeReport: EnclaveReportBody
    /// The QE report signature, raw r ‖ s.
    public let qeReportSignature: [UInt8]
    /// The QE authentication data, hashed with the attestation key into the QE report data.
    public let qeAuthenticationData: [UInt8]
    /// The PCK certificate chain as it was in the quote (PEM, leaf first).
    public let pckCertificateChain: [UInt8]

    init(_ cursor: inout ByteCursor, version: UInt16) throws {
        signature = try cursor.take(64, "signature data.signature")
        attestationKey = try cursor.take(64, "signature data.attestation_key")
        var inner: ByteCursor
        if version == 3 {
            inner = cursor
        } else {
            let type = try cursor.u16("signature data.certification_data_type")
            guard type == Self.qeReportCertificationDataType else {
                throw TDXError(.unsupported, "certification data type \(type), expected \(Self.qeReportCertificationDataType) (QE report certification data)")
            }
            let size = Int(try cursor.u32("signature data.certification_data_size"))
            let data = try cursor.take(size, "QE report certification data")
            inner = ByteCursor(data)
        }
        qeReport = try EnclaveReportBody(&inner, field: "qe_report")
        qeReportSignature = try inner.take(64, "qe_report_signature")
        let authSize = Int(try inner.u16("qe_auth_data.size"))
        qeAuthenticationData = try inner.take(authSize, "qe_auth_data")
        let type = try inner.u16("certification_data.type")
        let size = Int(try inner.u32("certification_data.size"))
        let data = try inner.take(size, "certification_data")
        guard type == Self.pckChainType else {
            throw TDXError(.unsupported, "certification data type \(type): only type 5 (the PCK certificate chain in PEM) is read")
        }
        pckCertificateChain = data
        if version == 3 { cursor = inner }
    }
}
