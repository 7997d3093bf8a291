import Crypto
import PKI
import Synchronization

/// PCK certificates whose signature by a PCK CA signed by the root has been checked, with what was read from them.
///
/// A server sees the same few platforms again and again; parsing and checking the chain costs two ECDSA
/// verifications per quote otherwise. Only signatures and parsing are cached: validity windows and revocation are
/// checked on every use.
final class PCKChainCache: Sendable {
    struct Key: Hashable {
        let chain: [UInt8]
        let root: [UInt8]
    }

    struct Entry: Sendable {
        let leaf: X509Certificate
        let issuer: X509Certificate
        let key: P256.Signing.PublicKey
        let extensions: PCKExtensions
    }

    private let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func entry(for key: Key) -> Entry? {
        entries.withLock { $0[key] }
    }

    func insert(_ entry: Entry, for key: Key) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }
}
