#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto

/// A TPM_ALG_ID: the algorithm identifiers of TPM 2.0 Part 2, table 9, for those this code reads.
public struct TPMAlgorithm: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16
    /// Wraps an algorithm identifier.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// TPM_ALG_RSA.
    public static let rsa = TPMAlgorithm(rawValue: 0x0001)
    /// TPM_ALG_SHA1.
    public static let sha1 = TPMAlgorithm(rawValue: 0x0004)
    /// TPM_ALG_AES.
    public static let aes = TPMAlgorithm(rawValue: 0x0006)
    /// TPM_ALG_SHA256.
    public static let sha256 = TPMAlgorithm(rawValue: 0x000B)
    /// TPM_ALG_SHA384.
    public static let sha384 = TPMAlgorithm(rawValue: 0x000C)
    /// TPM_ALG_SHA512.
    public static let sha512 = TPMAlgorithm(rawValue: 0x000D)
    /// TPM_ALG_NULL.
    public static let null = TPMAlgorithm(rawValue: 0x0010)
    /// TPM_ALG_SM3_256.
    public static let sm3 = TPMAlgorithm(rawValue: 0x0012)
    /// TPM_ALG_RSASSA (PKCS#1 v1.5).
    public static let rsassa = TPMAlgorithm(rawValue: 0x0014)
    /// TPM_ALG_RSAPSS.
    public static let rsapss = TPMAlgorithm(rawValue: 0x0016)
    /// TPM_ALG_ECDSA.
    public static let ecdsa = TPMAlgorithm(rawValue: 0x0018)
    /// TPM_ALG_ECC.
    public static let ecc = TPMAlgorithm(rawValue: 0x0023)
    /// TPM_ALG_CFB.
    public static let cfb = TPMAlgorithm(rawValue: 0x0043)

    /// The hash algorithms whose PCR banks and digests this code computes.
    public static let hashes: [TPMAlgorithm] = [.sha1, .sha256, .sha384, .sha512]

    /// The hash name as tpm2-tools and Trustee print it (`sha256`), or the identifier in hex.
    public var description: String {
        switch self {
        case .sha1: return "sha1"
        case .sha256: return "sha256"
        case .sha384: return "sha384"
        case .sha512: return "sha512"
        case .sm3: return "sm3_256"
        case .rsa: return "rsa"
        case .ecc: return "ecc"
        case .rsassa: return "rsassa"
        case .rsapss: return "rsapss"
        case .ecdsa: return "ecdsa"
        case .null: return "null"
        default: return "0x" + String(rawValue, radix: 16)
        }
    }

    /// Parses a hash name (`sha1`, `sha256`, `sha384`, `sha512`).
    public init?(hashName: String) {
        guard let match = Self.hashes.first(where: { $0.description == hashName.lowercased() }) else { return nil }
        self = match
    }

    /// The digest size of a hash algorithm, or nil for algorithms this code does not compute.
    public var digestSize: Int? {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        case .sm3: return 32
        default: return nil
        }
    }

    /// Hashes `data` with this hash algorithm.
    ///
    /// - Throws: ``TPMError`` (`unsupported`) for algorithms this code does not compute (SM3, non-hashes).
    public func hash<D: DataProtocol>(_ data: D) throws -> [UInt8] {
        switch self {
        case .sha1: return Array(Insecure.SHA1.hash(data: data))
        case .sha256: return Array(SHA256.hash(data: data))
        case .sha384: return Array(SHA384.hash(data: data))
        case .sha512: return Array(SHA512.hash(data: data))
        default: throw TPMError(.unsupported, "hash algorithm \(self) is not supported")
        }
    }
}
