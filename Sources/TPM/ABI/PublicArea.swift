/// A TPMT_PUBLIC for the key types an attestation key or endorsement key can be (Part 2, 12.2.4): RSA and ECC.
///
/// The marshaled bytes are kept as read, so the object's name (nameAlg ‖ H(TPMT_PUBLIC)) is computed over them.
public struct PublicArea: Sendable, Hashable {
    /// The public key by type.
    public enum Key: Sendable, Hashable {
        /// An RSA key: modulus (big-endian) and public exponent (0 in the structure means 65537).
        case rsa(modulus: [UInt8], exponent: UInt32)
        /// An ECC key: the TPM_ECC_CURVE and the point's coordinates.
        case ecc(curve: UInt16, x: [UInt8], y: [UInt8])
    }

    /// TPM_ECC_NIST_P256.
    public static let curveP256: UInt16 = 0x0003
    /// TPM_ECC_NIST_P384.
    public static let curveP384: UInt16 = 0x0004

    /// The marshaled TPMT_PUBLIC.
    public let bytes: [UInt8]
    /// `nameAlg`.
    public let nameAlgorithm: TPMAlgorithm
    /// `objectAttributes` (TPMA_OBJECT).
    public let attributes: UInt32
    /// `authPolicy`.
    public let authPolicy: [UInt8]
    /// The symmetric algorithm of a storage key (an EK's is AES-128-CFB), or nil when it is TPM_ALG_NULL.
    public let symmetric: SymmetricDefinition?
    /// The signing scheme in the parameters, or `.null` when the key leaves it to the command.
    public let scheme: TPMAlgorithm
    /// The scheme's hash, or `.null`.
    public let schemeHash: TPMAlgorithm
    /// The public key.
    public let key: Key

    /// TPMA_OBJECT.restricted.
    public var isRestricted: Bool { attributes & (1 << 16) != 0 }
    /// TPMA_OBJECT.sign.
    public var isSigning: Bool { attributes & (1 << 18) != 0 }
    /// TPMA_OBJECT.fixedTPM.
    public var isFixedTPM: Bool { attributes & (1 << 1) != 0 }
    /// TPMA_OBJECT.decrypt.
    public var isDecrypting: Bool { attributes & (1 << 17) != 0 }

    /// Reads a TPM2B_PUBLIC (size-prefixed) or a bare TPMT_PUBLIC, whichever `bytes` hold.
    ///
    /// - Throws: ``TPMError`` when truncated, followed by trailing bytes, or of a type other than RSA or ECC.
    public init(bytes: [UInt8]) throws {
        if bytes.count >= 2, Int(UInt16(bytes[0]) << 8 | UInt16(bytes[1])) == bytes.count - 2 {
            try self.init(tpmtPublic: Array(bytes.dropFirst(2)))
        } else {
            try self.init(tpmtPublic: bytes)
        }
    }

    /// Reads a bare TPMT_PUBLIC that fills `tpmtPublic`.
    public init(tpmtPublic: [UInt8]) throws {
        var reader = TPMReader(tpmtPublic)
        try self.init(from: &reader)
        try reader.expectEnd("TPMT_PUBLIC")
    }

    /// Reads a TPMT_PUBLIC from `reader`.
    public init(from reader: inout TPMReader) throws {
        let start = reader.offset
        let type = TPMAlgorithm(rawValue: try reader.u16("TPMT_PUBLIC.type"))
        nameAlgorithm = TPMAlgorithm(rawValue: try reader.u16("TPMT_PUBLIC.nameAlg"))
        attributes = try reader.u32("TPMT_PUBLIC.objectAttributes")
        authPolicy = try reader.sized("TPMT_PUBLIC.authPolicy")
        // TPMT_SYM_DEF_OBJECT: algorithm, then key bits and mode unless NULL.
        let symmetricAlgorithm = TPMAlgorithm(rawValue: try reader.u16("TPMT_SYM_DEF_OBJECT.algorithm"))
        if symmetricAlgorithm != .null {
            let keyBits = try reader.u16("TPMT_SYM_DEF_OBJECT.keyBits")
            let mode = TPMAlgorithm(rawValue: try reader.u16("TPMT_SYM_DEF_OBJECT.mode"))
            symmetric = SymmetricDefinition(algorithm: symmetricAlgorithm, keyBits: Int(keyBits), mode: mode)
        } else {
            symmetric = nil
        }
        scheme = TPMAlgorithm(rawValue: try reader.u16("parameters.scheme"))
        schemeHash = scheme == .null ? .null : TPMAlgorithm(rawValue: try reader.u16("parameters.scheme.hashAlg"))
        switch type {
        case .rsa:
            _ = try reader.u16("TPMS_RSA_PARMS.keyBits")
            let exponent = try reader.u32("TPMS_RSA_PARMS.exponent")
            let modulus = try reader.sized("TPM2B_PUBLIC_KEY_RSA")
            key = .rsa(modulus: modulus, exponent: exponent == 0 ? 65537 : exponent)
        case .ecc:
            let curve = try reader.u16("TPMS_ECC_PARMS.curveID")
            let kdf = TPMAlgorithm(rawValue: try reader.u16("TPMT_KDF_SCHEME.scheme"))
            if kdf != .null { _ = try reader.u16("TPMT_KDF_SCHEME.hashAlg") }
            let x = try reader.sized("TPMS_ECC_POINT.x")
            let y = try reader.sized("TPMS_ECC_POINT.y")
            key = .ecc(curve: curve, x: x, y: y)
        default:
            throw TPMError(.unsupported, "TPMT_PUBLIC.type \(type) is not supported (RSA and ECC are)")
        }
        bytes = Array(reader.bytes[start..<reader.offset])
    }

    /// The object's name: nameAlg (two bytes) followed by H_nameAlg(TPMT_PUBLIC).
    public func name() throws -> [UInt8] {
        var writer = TPMWriter()
        writer.u16(nameAlgorithm.rawValue)
        writer.append(try nameAlgorithm.hash(bytes))
        return writer.bytes
    }

    /// The TPM2B_PUBLIC form (size-prefixed).
    public var sizedBytes: [UInt8] {
        var writer = TPMWriter()
        writer.sized(bytes)
        return writer.bytes
    }
}
