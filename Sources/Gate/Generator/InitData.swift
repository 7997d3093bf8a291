import Crypto
import Foundation
import TOMLKit

/// The init-data document that carries a pod's agent policy into the guest, in the TOML form Kata and
/// Confidential Containers use: `version = "0.1.0"`, `algorithm`, and a `[data]` table with `"policy.rego"`.
///
/// Its digest, which the TEE binds into the attestation (SNP HOSTDATA, TDX MRCONFIGID), is the hash of the TOML
/// file's bytes with the named algorithm (guest-components `Initdata::parse_and_get_digest` hashes `toml.as_bytes()`).
///
/// This is the gate's minimal writer and reader (policy only); the project's general init-data support is separate.
public struct InitData: Sendable, Hashable {
    /// The digest algorithms init-data names.
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha256, sha384, sha512

        func digest(_ bytes: [UInt8]) -> [UInt8] {
            switch self {
            case .sha256: Array(SHA256.hash(data: bytes))
            case .sha384: Array(SHA384.hash(data: bytes))
            case .sha512: Array(SHA512.hash(data: bytes))
            }
        }
    }

    /// Why a document is not usable init-data.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    /// The TOML text, exactly as hashed.
    public let text: String
    /// The digest algorithm.
    public let algorithm: Algorithm
    /// The agent policy it carries.
    public let policy: String

    /// Writes init-data for a policy.
    /// - Throws: ``FormatError`` if the policy contains `'''`, which a TOML literal string cannot hold.
    public init(policy: String, algorithm: Algorithm = .sha256) throws(FormatError) {
        guard !policy.contains("'''") else { throw FormatError(description: "init-data: the policy contains ''' and cannot be a TOML literal string") }
        self.policy = policy
        self.algorithm = algorithm
        text = "version = \"0.1.0\"\nalgorithm = \"\(algorithm.rawValue)\"\n\n[data]\n\"policy.rego\" = '''\n\(policy)'''\n"
    }

    /// Reads init-data TOML.
    /// - Throws: ``FormatError`` naming the missing or wrong field.
    public init(text: String) throws(FormatError) {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw FormatError(description: "init-data: not TOML: \(error)") }
        guard table["version"]?.string == "0.1.0" else { throw FormatError(description: "init-data: version must be \"0.1.0\"") }
        guard let name = table["algorithm"]?.string, let algorithm = Algorithm(rawValue: name) else {
            throw FormatError(description: "init-data: algorithm must be sha256, sha384 or sha512")
        }
        guard let policy = table["data"]?.table?["policy.rego"]?.string else {
            throw FormatError(description: "init-data: [data] has no \"policy.rego\"")
        }
        self.text = text
        self.algorithm = algorithm
        self.policy = policy
    }

    /// The digest of the TOML bytes.
    public var digest: [UInt8] { algorithm.digest(Array(text.utf8)) }

    /// The digest in lower-case hex.
    public var digestHex: String { digest.map { String(format: "%02x", $0) }.joined() }
}
