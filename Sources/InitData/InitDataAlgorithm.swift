import Crypto

/// The hash algorithm an init-data document names in its `algorithm` field.
///
/// Trustee's init-data specification takes IANA hash names; Kata and the attestation agent write `sha256`,
/// `sha384` and `sha512`. Both spellings are accepted.
public enum InitDataAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// SHA-256: a 32-byte digest, the only one a SHA-256 PCR can be extended with.
    case sha256
    /// SHA-384: a 48-byte digest, the size of TDX MRCONFIGID.
    case sha384
    /// SHA-512: a 64-byte digest.
    case sha512

    /// The algorithm for a name as init-data documents write it (`sha384`, `sha-384`, any case), or `nil`.
    public init?(name: String) {
        switch name.lowercased() {
        case "sha256", "sha-256": self = .sha256
        case "sha384", "sha-384": self = .sha384
        case "sha512", "sha-512": self = .sha512
        default: return nil
        }
    }

    /// The digest size in bytes.
    public var digestSize: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The digest of `bytes` with this algorithm.
    public func digest(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        }
    }
}
