import Crypto
import HermeticCore
import Synchronization

/// ECDSA P-384 nonces prepared ahead of time for one signing key, so that a signature costs two multiplications mod
/// n instead of a scalar multiplication.
///
/// A real SEV-SNP report is signed by the AMD Secure Processor, not by the host's cores. A benchmark that emulates
/// the chip on the machine it measures fills a pool before measuring, so that the chip's work stays outside the
/// measured window, as it would on hardware. Each nonce k is a random scalar made a P-384 private key by swift-crypto,
/// whose public key gives r = x(k·G) mod n; k⁻¹ comes from one batch inversion. A nonce is used once and removed: an
/// empty pool returns nil and the caller signs the ordinary way.
public final class PrecomputedECDSANonces: Sendable {
    private struct Nonce {
        /// r = x(k·G) mod n.
        var r: P384OrderArithmetic.Scalar
        /// k⁻¹ in Montgomery form.
        var inverse: P384OrderArithmetic.Scalar
    }

    private let arithmetic = P384OrderArithmetic()
    /// The private key d in Montgomery form.
    private let key: P384OrderArithmetic.Scalar
    private let nonces = Mutex<[Nonce]>([])

    /// An empty pool for `key`.
    public init(for key: P384.Signing.PrivateKey) {
        self.key = arithmetic.montgomeryProduct(P384OrderArithmetic.scalar(bigEndian: Array(key.rawRepresentation)), arithmetic.rSquared)
    }

    /// The number of nonces left.
    public var count: Int { nonces.withLock { $0.count } }

    /// Prepares nonces until `count` are available.
    public func fill(upTo count: Int) {
        let needed = count - self.count
        guard needed > 0 else { return }
        var rs: [P384OrderArithmetic.Scalar] = []
        var montgomeryKs: [P384OrderArithmetic.Scalar] = []
        rs.reserveCapacity(needed)
        montgomeryKs.reserveCapacity(needed)
        while rs.count < needed {
            let k = SecureRandom.privateKey(orderBits: 384) { try P384.Signing.PrivateKey(rawRepresentation: $0) }
            let x = Array(k.publicKey.x963Representation.dropFirst().prefix(48))
            let r = P384OrderArithmetic.scalar(bigEndian: x)
            guard !P384OrderArithmetic.isZero(r) else { continue }
            rs.append(r)
            montgomeryKs.append(arithmetic.montgomeryProduct(P384OrderArithmetic.scalar(bigEndian: Array(k.rawRepresentation)), arithmetic.rSquared))
        }
        // Batch inversion: one Fermat inversion of the product, then each inverse from the running products.
        var prefixes = [montgomeryKs[0]]
        prefixes.reserveCapacity(needed)
        for k in montgomeryKs.dropFirst() { prefixes.append(arithmetic.montgomeryProduct(prefixes[prefixes.count - 1], k)) }
        var running = arithmetic.inverse(prefixes[needed - 1])
        var prepared = [Nonce](repeating: Nonce(r: [], inverse: []), count: needed)
        for index in stride(from: needed - 1, through: 1, by: -1) {
            prepared[index] = Nonce(r: rs[index], inverse: arithmetic.montgomeryProduct(running, prefixes[index - 1]))
            running = arithmetic.montgomeryProduct(running, montgomeryKs[index])
        }
        prepared[0] = Nonce(r: rs[0], inverse: running)
        nonces.withLock { $0.append(contentsOf: prepared) }
    }

    /// The raw signature r ‖ s (96 bytes, big-endian) of `digest` with a nonce from the pool, or nil when the pool
    /// is empty. The nonce is removed first, so it is never used twice.
    public func signature(for digest: SHA384Digest) -> [UInt8]? {
        guard let nonce = nonces.withLock({ $0.popLast() }) else { return nil }
        let z = P384OrderArithmetic.scalar(bigEndian: Array(digest))
        // s = k⁻¹ (z + r·d) mod n; r·d leaves Montgomery form because d is in it, and k⁻¹ is too.
        let rd = arithmetic.montgomeryProduct(nonce.r, key)
        let s = arithmetic.montgomeryProduct(P384OrderArithmetic.sum(z, rd), nonce.inverse)
        guard !P384OrderArithmetic.isZero(s) else { return nil }
        return P384OrderArithmetic.bigEndian(nonce.r) + P384OrderArithmetic.bigEndian(s)
    }
}
