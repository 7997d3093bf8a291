import _CryptoExtras

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

    /// The NV index of the EK certificate for an EK template (EK Credential Profile: 0x01C00002 for RSA 2048,
    /// 0x01C0000A for ECC P-256), nil for AK templates.
    public var ekCertificateIndex: UInt32? {
        switch self {
        case .ekRSA: return 0x01C0_0002
        case .ekECC: return 0x01C0_000A
        case .akRSA, .akECC: return nil
        }
    }

    /// The marshaled TPMT_PUBLIC.
    public var publicArea: [UInt8] { marshaled(unique: nil) }

    /// The EK public area a TPM derives from this EK template when its key is `key`: what a verifier that has only
    /// the EK certificate's SubjectPublicKeyInfo sends MakeCredential to.
    ///
    /// - Throws: ``TPMError`` (`unsupported`) when this is not an EK template or the key does not fit it (RSA 2048
    ///   for L-1, P-256 for L-2).
    public func endorsementKey(for key: AttestationKey) throws -> PublicArea {
        switch (self, key.key) {
        case (.ekRSA, .rsa(let rsa)):
            let primitives = try rsa.getKeyPrimitives()
            let modulus = Array(primitives.modulus.drop { $0 == 0 })
            let exponent = primitives.publicExponent.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard modulus.count == 256, exponent == 65537 else {
                throw TPMError(.unsupported, "EK: an RSA key of \(modulus.count * 8) bits with exponent \(exponent) does not fit the L-1 template (2048 bits, 65537)")
            }
            return try PublicArea(tpmtPublic: marshaled(unique: modulus))
        case (.ekECC, .p256(let p)):
            let raw = Array(p.rawRepresentation)
            return try PublicArea(tpmtPublic: marshaled(unique: raw))
        default:
            throw TPMError(.unsupported, "EK: the key does not fit the \(rawValue) template (RSA 2048 for ek-rsa, P-256 for ek-ecc)")
        }
    }

    /// The TCG default EK template that fits `key`: L-1 for RSA 2048, L-2 for P-256.
    ///
    /// - Throws: ``TPMError`` (`unsupported`) for other keys (high-range templates are not supported).
    public static func endorsementKey(for key: AttestationKey) throws -> PublicArea {
        switch key.key {
        case .rsa: return try KeyTemplate.ekRSA.endorsementKey(for: key)
        case .p256: return try KeyTemplate.ekECC.endorsementKey(for: key)
        case .p384: throw TPMError(.unsupported, "EK: P-384 EKs use a high-range template, which is not supported (RSA 2048 L-1 and P-256 L-2 are)")
        }
    }

    /// The TPMT_PUBLIC; `unique` is the RSA modulus or the ECC point x ‖ y (zeros when nil, as the templates have).
    private func marshaled(unique: [UInt8]?) -> [UInt8] {
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
                w.sized(unique ?? [UInt8](repeating: 0, count: 256))
            } else {
                let point = unique ?? [UInt8](repeating: 0, count: 64)
                w.u16(PublicArea.curveP256)
                w.u16(TPMAlgorithm.null.rawValue)  // kdf
                w.sized(Array(point.prefix(32)))
                w.sized(Array(point.suffix(32)))
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
