import Crypto
import Foundation
import HermeticCore
import Synchronization

/// The claims of EAR tokens whose signature has already been checked (or that this broker signed itself), so that a
/// token presented again costs a digest and a lookup instead of an ES256 verification and a parse.
///
/// Entries are keyed by the SHA-256 of the whole compact token, so a hit means the same signed bytes; a token is
/// never looked up or compared by its own text. Expiry is still checked on every use by ``EARTokenVerifier``. The
/// cache is bounded: when it is full, expired entries go first, and if none have expired it starts over.
public final class VerifiedTokenCache: Sendable {
    private struct Entry {
        var claims: JSONValue
        var expiry: Int64
    }

    private let capacity: Int
    private let entries = Mutex<[SHA256Digest: Entry]>([:])

    /// A cache holding at most `capacity` tokens.
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of tokens held.
    public var count: Int { entries.withLock { $0.count } }

    func claims(of token: String) -> JSONValue? {
        let key = SHA256.hash(data: Array(token.utf8))
        return entries.withLock { $0[key]?.claims }
    }

    func insert(_ token: String, claims: JSONValue, now: Date) {
        guard let expiry = claims["exp"]?.intValue else { return }
        let key = SHA256.hash(data: Array(token.utf8))
        let seconds = Int64(now.timeIntervalSince1970)
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil {
                entries = entries.filter { $0.value.expiry > seconds }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(claims: claims, expiry: Int64(expiry))
        }
    }
}
