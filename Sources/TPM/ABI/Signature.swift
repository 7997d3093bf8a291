/// A TPMT_SIGNATURE: the signature scheme, its hash, and the signature (Part 2, 11.3.4).
public struct Signature: Sendable, Hashable {
    /// The signature value by scheme.
    public enum Value: Sendable, Hashable {
        /// RSASSA-PKCS1-v1_5: the signature as a big-endian integer of the modulus size.
        case rsassa([UInt8])
        /// RSASSA-PSS.
        case rsapss([UInt8])
        /// ECDSA: r and s as big-endian integers.
        case ecdsa(r: [UInt8], s: [UInt8])
    }

    /// The scheme's hash algorithm (the one the signed digest was computed with).
    public let hash: TPMAlgorithm
    /// The signature value.
    public let value: Value

    /// Creates a signature.
    public init(hash: TPMAlgorithm, value: Value) {
        self.hash = hash
        self.value = value
    }

    /// Reads a marshaled TPMT_SIGNATURE that fills `bytes`.
    public init(bytes: [UInt8]) throws {
        var reader = TPMReader(bytes)
        try self.init(from: &reader)
        try reader.expectEnd("TPMT_SIGNATURE")
    }

    /// Reads a TPMT_SIGNATURE.
    ///
    /// - Throws: ``TPMError``: `structure_format` when truncated, `unsupported` for schemes other than RSASSA,
    ///   RSAPSS and ECDSA.
    public init(from reader: inout TPMReader) throws {
        let scheme = TPMAlgorithm(rawValue: try reader.u16("TPMT_SIGNATURE.sigAlg"))
        hash = TPMAlgorithm(rawValue: try reader.u16("TPMT_SIGNATURE.hash"))
        switch scheme {
        case .rsassa: value = .rsassa(try reader.sized("TPMS_SIGNATURE_RSA.sig"))
        case .rsapss: value = .rsapss(try reader.sized("TPMS_SIGNATURE_RSA.sig"))
        case .ecdsa:
            let r = try reader.sized("TPMS_SIGNATURE_ECC.signatureR")
            let s = try reader.sized("TPMS_SIGNATURE_ECC.signatureS")
            value = .ecdsa(r: r, s: s)
        default:
            throw TPMError(.unsupported, "signature scheme \(scheme) is not supported (RSASSA, RSAPSS, ECDSA are)")
        }
    }

    /// The scheme's algorithm identifier.
    public var scheme: TPMAlgorithm {
        switch value {
        case .rsassa: return .rsassa
        case .rsapss: return .rsapss
        case .ecdsa: return .ecdsa
        }
    }

    /// The marshaled TPMT_SIGNATURE.
    public var marshaled: [UInt8] {
        var writer = TPMWriter()
        writer.u16(scheme.rawValue)
        writer.u16(hash.rawValue)
        switch value {
        case .rsassa(let sig), .rsapss(let sig): writer.sized(sig)
        case .ecdsa(let r, let s):
            writer.sized(r)
            writer.sized(s)
        }
        return writer.bytes
    }
}
