import Crypto
import Synchronization

/// Endorsement-key certificates whose chain to a trusted root has been checked, with their parsed P-384 keys.
///
/// Checking the RSA-PSS chain costs more than the report signature itself; a server sees the same VCEKs again
/// and again. Only the signatures are cached: validity windows, revocation and the TCB are checked on every use.
final class ChainCache: Sendable {
    struct Key: Hashable {
        let leaf: [UInt8]
        let signer: [UInt8]
        let root: [UInt8]
    }

    private let capacity: Int
    private let entries = Mutex<[Key: P384.Signing.PublicKey]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func publicKey(for key: Key) -> P384.Signing.PublicKey? {
        entries.withLock { $0[key] }
    }

    func insert(_ publicKey: P384.Signing.PublicKey, for key: Key) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = publicKey
        }
    }
}
