import Crypto

/// The single-step key derivation of NIST SP 800-56A §5.8.1 over SHA-256, as JWA uses it for ECDH-ES
/// (RFC 7518 §4.6.2). swift-crypto does not provide it.
public enum ConcatKDF {
    /// Derives `keyBits` bits from the shared secret `z`.
    ///
    /// `OtherInfo` is `AlgorithmID ‖ PartyUInfo ‖ PartyVInfo ‖ SuppPubInfo`, where each of the first three is its
    /// length as a 32-bit big-endian integer followed by its bytes, and `SuppPubInfo` is `keyBits` as a 32-bit
    /// big-endian integer. Each round hashes `counter ‖ Z ‖ OtherInfo`, the counter starting at 1.
    ///
    /// - Parameters:
    ///   - z: the raw shared secret (the x coordinate of the ECDH result).
    ///   - keyBits: the length of the derived key in bits (a multiple of 8).
    ///   - algorithmID: the JWE `alg` for key wrapping, or `enc` for direct agreement, as ASCII.
    ///   - partyUInfo: the decoded `apu` header value (empty when absent).
    ///   - partyVInfo: the decoded `apv` header value (empty when absent).
    /// - Returns: `keyBits / 8` bytes.
    public static func derive(
        sharedSecret z: [UInt8], keyBits: Int, algorithmID: String, partyUInfo: [UInt8] = [], partyVInfo: [UInt8] = []
    ) -> [UInt8] {
        var otherInfo = lengthPrefixed(Array(algorithmID.utf8))
        otherInfo += lengthPrefixed(partyUInfo)
        otherInfo += lengthPrefixed(partyVInfo)
        otherInfo += bigEndian(UInt32(truncatingIfNeeded: keyBits))
        let keyBytes = keyBits / 8
        var output: [UInt8] = []
        var counter: UInt32 = 1
        while output.count < keyBytes {
            var hasher = SHA256()
            hasher.update(data: bigEndian(counter))
            hasher.update(data: z)
            hasher.update(data: otherInfo)
            output += Array(hasher.finalize())
            counter += 1
        }
        return Array(output.prefix(keyBytes))
    }

    private static func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] {
        bigEndian(UInt32(truncatingIfNeeded: bytes.count)) + bytes
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
