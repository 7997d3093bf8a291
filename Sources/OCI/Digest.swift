import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// A content digest as OCI writes it, `sha256:<64 lowercase hex>`. Only SHA-256 is accepted: it is what every
/// registry and tool here writes, and the only algorithm the layout's `blobs/sha256` directory holds.
public struct Digest: Sendable, Hashable, CustomStringConvertible {
    /// The 64 lowercase hex characters.
    public let hex: String

    /// Parses `sha256:<hex>`.
    ///
    /// - Throws: ``OCIError`` `.unsupported` for another algorithm, `.malformed` for anything else not of that form.
    public init(parsing text: String) throws {
        guard let colon = text.firstIndex(of: ":") else { throw OCIError(.malformed, "digest \"\(text)\" has no algorithm prefix") }
        let algorithm = text[..<colon]
        let hex = text[text.index(after: colon)...]
        guard algorithm == "sha256" else { throw OCIError(.unsupported, "digest algorithm \"\(algorithm)\" is not sha256") }
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw OCIError(.malformed, "digest \"\(text)\" is not sha256 followed by 64 lowercase hex digits")
        }
        self.hex = String(hex)
    }

    /// The digest of a finished SHA-256 computation.
    public init(_ digest: SHA256.Digest) {
        hex = Hex.encode(Array(digest))
    }

    /// The SHA-256 digest of `bytes`.
    public init(of bytes: some DataProtocol) {
        self.init(SHA256.hash(data: bytes))
    }

    /// `sha256:<hex>`.
    public var description: String { "sha256:" + hex }
}
