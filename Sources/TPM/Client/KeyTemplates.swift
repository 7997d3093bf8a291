/// TPMT_PUBLIC templates for the keys attestation needs.
///
/// The EK templates are the TCG EK Credential Profile's low-range defaults (L-1 RSA 2048, L-2 ECC P-256), so the EK
/// a TPM derives from them is the one its EK certificate names. The AK templates make a restricted signing key
/// (fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth, restricted, sign) created as a primary object in the
/// endorsement hierarchy, as GCE's and go-tpm-tools' AKs are.
public enum KeyTemplate: String, Sendable, CaseIterable {
    /// EK, RSA 2048 (template L-1).
    case ekRSA = "ek-rsa"
    /// EK, ECC NIST P-256 (template L-2).
    case ekECC = "ek-ecc"
    /// AK, RSA 2048, RSASSA with SHA-256.
    case akRSA = "ak-rsa"
    /// AK, ECC NIST P-256, ECDSA with SHA-256.
    case akECC = "ak-ecc"

    /// The EK's authPolicy: PolicySecret(TPM_RH_ENDORSEMENT).
    static let ekPolicy: [UInt8] = [
        0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xB3, 0xF8, 0x1A, 0x90, 0xCC, 0x8D, 0x46, 0xA5, 0xD7, 0x24,
        0xFD, 0x52, 0xD7, 0x6E, 0x06, 0x52, 0x0B, 0x64, 0xF2, 0xA1, 0xDA, 0x1B, 0x33, 0x14, 0x69, 0xAA,
    ]

    /// The marshaled TPMT_PUBLIC.
    public var publicArea: [UInt8] {
        var w = TPMWriter()
        switch self {
        case .ekRSA, .ekECC:
            w.u16(self == .ekRSA ? TPMAlgorithm.rsa.rawValue : TPMAlgorithm.ecc.rawValue)
            w.u16(TPMAlgorithm.sha256.rawValue)
            w.u32(0x0003_00B2)  // fixedTPM, fixedParent, sensitiveDataOrigin, adminWithPolicy, restricted, decrypt
            w.sized(Self.ekPolicy)
            w.u16(TPMAlgorithm.aes.rawValue)
            w.u16(128)
            w.u16(TPMAlgorithm.cfb.rawValue)
            w.u16(TPMAlgorithm.null.rawValue)  // scheme
            if self == .ekRSA {
                w.u16(2048)
                w.u32(0)
                w.sized([UInt8](repeating: 0, count: 256))
            } else {
                w.u16(PublicArea.curveP256)
                w.u16(TPMAlgorithm.null.rawValue)  // kdf
                w.sized([UInt8](repeating: 0, count: 32))
                w.sized([UInt8](repeating: 0, count: 32))
            }
        case .akRSA, .akECC:
            w.u16(self == .akRSA ? TPMAlgorithm.rsa.rawValue : TPMAlgorithm.ecc.rawValue)
            w.u16(TPMAlgorithm.sha256.rawValue)
            w.u32(0x0005_0072)  // fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth, restricted, sign
            w.sized([])
            w.u16(TPMAlgorithm.null.rawValue)  // symmetric
            if self == .akRSA {
                w.u16(TPMAlgorithm.rsassa.rawValue)
                w.u16(TPMAlgorithm.sha256.rawValue)
                w.u16(2048)
                w.u32(0)
                w.sized([])
            } else {
                w.u16(TPMAlgorithm.ecdsa.rawValue)
                w.u16(TPMAlgorithm.sha256.rawValue)
                w.u16(PublicArea.curveP256)
                w.u16(TPMAlgorithm.null.rawValue)
                w.sized([])
                w.sized([])
            }
        }
        return w.bytes
    }
}
