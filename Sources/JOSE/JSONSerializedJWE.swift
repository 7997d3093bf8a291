import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// A JWE in the JSON serialisation (RFC 7516 §7.2): the general form with a `recipients` array, or the flattened
/// form with one recipient's `header` and `encrypted_key` at the top level, as go-jose (and so ocicrypt) writes them.
///
/// The authenticated data is the `protected` member exactly as received. Reading tolerates go-jose's habit of also
/// writing the first recipient's `encrypted_key` at the top level of the general form.
public struct JSONSerializedJWE: Sendable, Hashable {
    /// One recipient: its unprotected header and wrapped content key.
    public struct Recipient: Sendable, Hashable {
        /// The per-recipient unprotected header (`alg`, `epk`, …), empty when all is in the protected header.
        public var header: [String: JSONValue]
        /// The wrapped content key, base64url.
        public var encryptedKey: String
    }

    /// The protected header, base64url of its JSON, as received.
    public var protected: String
    /// The shared unprotected header.
    public var unprotected: [String: JSONValue]
    /// The recipients, at least one.
    public var recipients: [Recipient]
    /// The IV, base64url.
    public var iv: String
    /// The ciphertext, base64url.
    public var ciphertext: String
    /// The authentication tag, base64url.
    public var tag: String
    /// The additional authenticated data, base64url, when present.
    public var aad: String?

    /// Reads either JSON form.
    ///
    /// - Throws: ``JOSEError`` `.malformed` naming the missing or mistyped member.
    public init(json bytes: [UInt8]) throws {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), case .object(let members) = value else {
            throw JOSEError(.malformed, "the JWE is not a JSON object")
        }
        func string(_ name: String) throws -> String {
            guard let text = members[name]?.stringValue else { throw JOSEError(.malformed, "the JWE has no \"\(name)\" string") }
            return text
        }
        func object(_ value: JSONValue?, _ name: String) throws -> [String: JSONValue] {
            guard let value else { return [:] }
            guard case .object(let object) = value else { throw JOSEError(.malformed, "the JWE \"\(name)\" is not an object") }
            return object
        }
        protected = members["protected"]?.stringValue ?? ""
        unprotected = try object(members["unprotected"], "unprotected")
        iv = try string("iv")
        ciphertext = try string("ciphertext")
        tag = try string("tag")
        aad = members["aad"]?.stringValue
        if let list = members["recipients"] {
            guard case .array(let entries) = list, !entries.isEmpty else {
                throw JOSEError(.malformed, "the JWE \"recipients\" is not a non-empty array")
            }
            recipients = try entries.enumerated().map { index, entry in
                guard case .object(let recipient) = entry else { throw JOSEError(.malformed, "JWE recipient \(index) is not an object") }
                guard let key = recipient["encrypted_key"]?.stringValue else {
                    throw JOSEError(.malformed, "JWE recipient \(index) has no \"encrypted_key\" string")
                }
                return Recipient(header: try object(recipient["header"], "header"), encryptedKey: key)
            }
        } else {
            recipients = [Recipient(header: try object(members["header"], "header"), encryptedKey: try string("encrypted_key"))]
        }
    }

    init(protected: String, recipients: [Recipient], iv: String, ciphertext: String, tag: String) {
        self.protected = protected
        self.unprotected = [:]
        self.recipients = recipients
        self.iv = iv
        self.ciphertext = ciphertext
        self.tag = tag
        self.aad = nil
    }

    /// The JSON text: flattened for one recipient, general for several (go-jose's choice).
    public func serialized() -> String {
        var members: [String: JSONValue] = [
            "protected": .string(protected), "iv": .string(iv), "ciphertext": .string(ciphertext), "tag": .string(tag),
        ]
        if !unprotected.isEmpty { members["unprotected"] = .object(unprotected) }
        if let aad { members["aad"] = .string(aad) }
        if recipients.count == 1, let only = recipients.first {
            members["encrypted_key"] = .string(only.encryptedKey)
            if !only.header.isEmpty { members["header"] = .object(only.header) }
        } else {
            members["recipients"] = .array(recipients.map { recipient in
                var entry: [String: JSONValue] = ["encrypted_key": .string(recipient.encryptedKey)]
                if !recipient.header.isEmpty { entry["header"] = .object(recipient.header) }
                return .object(entry)
            })
        }
        return JSONValue.object(members).serialized()
    }
}

extension JWE {
    /// Encrypts `plaintext` to every recipient with one content key (A256GCM), as go-jose's multi-encrypter does: with
    /// one recipient the whole header (`alg`, `enc`, `epk`) is protected; with several, the protected header is
    /// `{"enc":"A256GCM"}` and each recipient's `alg` (and `epk`) is in its own header.
    ///
    /// - Throws: ``JOSEError`` when a recipient key cannot be used, `.malformed` for no recipient.
    public static func encrypt(_ plaintext: [UInt8], toAll recipients: [PublicJWK]) throws -> JSONSerializedJWE {
        guard !recipients.isEmpty else { throw JOSEError(.malformed, "a JWE needs at least one recipient") }
        let contentKey = SymmetricKey(size: .bits256)
        var entries: [JSONSerializedJWE.Recipient] = []
        for recipient in recipients {
            let (encryptedKey, extra) = try wrap(contentKey, for: recipient)
            var header = extra
            header["alg"] = .string(recipient.algorithm.rawValue)
            entries.append(.init(header: header, encryptedKey: Base64.encodeURL(encryptedKey)))
        }
        var protectedMembers: [String: JSONValue] = ["enc": .string(ContentEncryptionAlgorithm.a256GCM.rawValue)]
        if entries.count == 1, let only = entries.first {
            protectedMembers.merge(only.header) { old, _ in old }
            entries = [.init(header: [:], encryptedKey: only.encryptedKey)]
        }
        let protected = Base64.encodeURL(Array(JSONValue.object(protectedMembers).serialized().utf8))
        let sealed = try seal(plaintext, key: contentKey, aad: Array(protected.utf8))
        return JSONSerializedJWE(
            protected: protected, recipients: entries, iv: Base64.encodeURL(sealed.iv),
            ciphertext: Base64.encodeURL(sealed.ciphertext), tag: Base64.encodeURL(sealed.tag)
        )
    }

    /// Decrypts a JSON-serialised JWE with `key`, trying each recipient whose `alg` fits the key type; an RSA key is
    /// used with the recipient's RSA algorithm.
    ///
    /// - Throws: ``JOSEError`` `.decryptionFailed` when no recipient's key unwraps under `key` or the content does
    ///   not authenticate, `.malformed` for malformed members, `.unsupportedAlgorithm` for an unknown `enc`.
    public static func decrypt(_ jwe: JSONSerializedJWE, with key: PrivateJWK) throws -> [UInt8] {
        let protectedMembers: [String: JSONValue]
        if jwe.protected.isEmpty {
            protectedMembers = [:]
        } else {
            guard let bytes = Base64.decode(jwe.protected),
                  case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
            else { throw JOSEError(.malformed, "the JWE protected header is not base64url of a JSON object") }
            protectedMembers = members
        }
        var lastError = JOSEError(.decryptionFailed, "no JWE recipient is for a key of this type")
        for recipient in jwe.recipients {
            var joint = protectedMembers
            joint.merge(jwe.unprotected) { old, _ in old }
            joint.merge(recipient.header) { old, _ in old }
            guard let algName = joint["alg"]?.stringValue, let enc = joint["enc"]?.stringValue else {
                throw JOSEError(.malformed, "a JWE recipient has no \"alg\" or \"enc\" in its joint header")
            }
            guard enc == ContentEncryptionAlgorithm.a256GCM.rawValue else {
                throw JOSEError(.unsupportedAlgorithm, "JWE enc \"\(enc)\" is not A256GCM")
            }
            guard let alg = KeyManagementAlgorithm(rawValue: algName), alg.isRSA == key.algorithm.isRSA else { continue }
            joint["alg"] = nil
            joint["enc"] = nil
            let header = ProtectedHeader(algorithm: alg.rawValue, encryption: enc, otherMembers: joint)
            let contentKey: SymmetricKey
            do {
                contentKey = try key.withAlgorithm(alg).unwrapKey(header: header, encryptedKey: try decode(recipient.encryptedKey, "encrypted_key"))
            } catch let error as JOSEError {
                lastError = error
                continue
            }
            var aad = Array(jwe.protected.utf8)
            if let extra = jwe.aad { aad += Array(".\(extra)".utf8) }
            return try open(
                ciphertext: try decode(jwe.ciphertext, "ciphertext"), tag: try decode(jwe.tag, "tag"),
                iv: try decode(jwe.iv, "iv"), key: contentKey, aad: aad
            )
        }
        throw lastError
    }
}
