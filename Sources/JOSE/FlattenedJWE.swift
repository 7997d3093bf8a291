/// A JWE in the flattened JSON serialisation (RFC 7516 §7.2.2), as the KBS returns a resource (kbs-types
/// `Response`): every binary member base64url without padding.
///
/// In KBS protocol 0.1.1 the same member names carried other content: `protected` was the raw JSON header, the GCM
/// tag was appended to `ciphertext`, and `tag` was empty (see ``JWE/encryptLegacy(_:to:)``).
public struct FlattenedJWE: Sendable, Hashable, Codable {
    /// The protected header.
    public var protected: String
    /// The wrapped content-encryption key.
    public var encryptedKey: String
    /// The initialisation vector.
    public var iv: String
    /// The ciphertext.
    public var ciphertext: String
    /// The authentication tag.
    public var tag: String
    /// Additional authenticated data, when present (the KBS never sends it).
    public var aad: String?

    /// Creates a JWE from its members.
    public init(protected: String, encryptedKey: String, iv: String, ciphertext: String, tag: String, aad: String? = nil) {
        self.protected = protected
        self.encryptedKey = encryptedKey
        self.iv = iv
        self.ciphertext = ciphertext
        self.tag = tag
        self.aad = aad
    }

    enum CodingKeys: String, CodingKey {
        case protected, iv, ciphertext, tag, aad
        case encryptedKey = "encrypted_key"
    }
}

/// A JWE in the compact serialisation (RFC 7516 §7.1): five base64url parts separated by dots.
public struct CompactJWE: Sendable, Hashable {
    /// The five parts, as received.
    public var flattened: FlattenedJWE

    /// Splits a compact JWE.
    ///
    /// - Throws: ``JOSEError`` `.malformed` unless there are exactly five parts.
    public init(_ text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5 else {
            throw JOSEError(.malformed, "compact JWE has \(parts.count) parts, expected 5")
        }
        flattened = FlattenedJWE(protected: parts[0], encryptedKey: parts[1], iv: parts[2], ciphertext: parts[3], tag: parts[4])
    }

    /// The compact text.
    public var serialized: String {
        [flattened.protected, flattened.encryptedKey, flattened.iv, flattened.ciphertext, flattened.tag].joined(separator: ".")
    }
}
