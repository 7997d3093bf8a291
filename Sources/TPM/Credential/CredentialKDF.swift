import Crypto

/// The two key derivation functions of TPM 2.0 Part 1 (11.4.10): KDFa, SP 800-108 counter mode with HMAC, and
/// KDFe, the SP 800-56A concatenation KDF over an ECDH shared secret.
///
/// A label is used with its terminating zero octet; one is added when the label lacks it.
public enum CredentialKDF {
    /// KDFa(hashAlg, key, label, contextU, contextV, bits).
    ///
    /// - Throws: ``TPMError`` (`unsupported`) for a hash other than SHA-1/256/384/512.
    public static func kdfa(_ hash: TPMAlgorithm, key: [UInt8], label: String, contextU: [UInt8], contextV: [UInt8], bits: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        var counter: UInt32 = 1
        let fixed = terminated(label) + contextU + contextV + bigEndian(UInt32(bits))
        while output.count * 8 < bits {
            output += try hmac(hash, key: key, data: bigEndian(counter) + fixed)
            counter += 1
        }
        return truncated(output, bits: bits)
    }

    /// KDFe(hashAlg, Z, label, partyUInfo, partyVInfo, bits), with Z the x-coordinate of the shared point.
    ///
    /// - Throws: ``TPMError`` (`unsupported`) for a hash other than SHA-1/256/384/512.
    public static func kdfe(_ hash: TPMAlgorithm, z: [UInt8], label: String, partyU: [UInt8], partyV: [UInt8], bits: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        var counter: UInt32 = 1
        let fixed = terminated(label) + partyU + partyV
        while output.count * 8 < bits {
            output += try hash.hash(bigEndian(counter) + z + fixed)
            counter += 1
        }
        return truncated(output, bits: bits)
    }

    static func hmac(_ hash: TPMAlgorithm, key: [UInt8], data: [UInt8]) throws -> [UInt8] {
        let symmetric = SymmetricKey(data: key)
        switch hash {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: symmetric))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: symmetric))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: symmetric))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: symmetric))
        default: throw TPMError(.unsupported, "HMAC with \(hash) is not supported")
        }
    }

    private static func terminated(_ label: String) -> [UInt8] {
        let bytes = Array(label.utf8)
        return bytes.last == 0 ? bytes : bytes + [0]
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// The first `(bits + 7) / 8` octets; when `bits` is not a multiple of 8, the excess high-order bits of the
    /// first octet are cleared, as the reference implementation does.
    private static func truncated(_ bytes: [UInt8], bits: Int) -> [UInt8] {
        var result = Array(bytes.prefix((bits + 7) / 8))
        if bits % 8 != 0, !result.isEmpty { result[0] &= UInt8((1 << (bits % 8)) - 1) }
        return result
    }
}
