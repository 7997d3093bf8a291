import Crypto

/// Random octets for nonces, session ids, secrets and keys, from the system's cryptographic generator in one call.
public enum SecureRandom {
    /// `count` random octets.
    public static func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { [UInt8]($0) }
    }
}
