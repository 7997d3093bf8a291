import Crypto

/// Random octets for nonces, session ids, secrets and keys, from the system's cryptographic generator in one call.
public enum SecureRandom {
    /// `count` random octets.
    public static func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { [UInt8]($0) }
    }

    /// A private key on a prime curve whose order has `orderBits` bits, from a uniform random scalar in [1, n): big-endian
    /// draws of `orderBits` bits until `make` accepts one (it refuses zero and values at or above the order; for P-256,
    /// one draw in about 2³²).
    ///
    /// swift-crypto's `PrivateKey()` runs BoringSSL's FIPS pairwise self-check (a signature and its verification, a
    /// guard against faulty hardware) on each key; a key made here from its raw scalar skips it, which matters for keys
    /// made by the thousand or used once.
    public static func privateKey<Key>(orderBits: Int, _ make: ([UInt8]) throws -> Key) -> Key {
        let octets = (orderBits + 7) / 8
        let topMask = UInt8(truncatingIfNeeded: (1 << (orderBits - (octets - 1) * 8)) - 1)
        while true {
            var scalar = bytes(octets)
            scalar[0] &= topMask
            if let key = try? make(scalar) { return key }
        }
    }
}
