import Crypto
import Foundation
import HermeticCore

/// The key that encrypts resources at rest (AES-256-GCM). It comes from a file or an environment variable, never
/// from the database that holds the data.
public struct KeyEncryptionKey: Sendable {
    let key: SymmetricKey
    /// A short, non-secret identifier of the key (the first 8 bytes of SHA-256 of the key, hex), stored with each
    /// sealed value so a wrong KEK is named as such.
    public let fingerprint: String

    /// Wraps 32 raw bytes.
    ///
    /// - Throws: ``StoreError`` `.keyEncryptionKey` for any other length.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw StoreError(.keyEncryptionKey, "the key-encryption key must be 32 bytes, got \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
        fingerprint = Hex.encode(Array(SHA256.hash(data: bytes).prefix(8)))
    }

    /// A fresh random key (for tests and the quickstart).
    public static func generate() -> KeyEncryptionKey { KeyEncryptionKey(unchecked: SymmetricKey(size: .bits256)) }

    private init(unchecked key: SymmetricKey) {
        self.key = key
        fingerprint = Hex.encode(Array(key.withUnsafeBytes { SHA256.hash(data: Array($0)) }.prefix(8)))
    }

    /// Reads the key from a file holding 32 raw bytes, or 64 hex digits, or base64 of 32 bytes (whitespace trimmed).
    ///
    /// - Throws: ``StoreError`` `.keyEncryptionKey` naming the file.
    public static func load(file path: String) throws -> KeyEncryptionKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.keyEncryptionKey, "cannot read the key-encryption key file \(path)")
        }
        do {
            return try parse([UInt8](data))
        } catch {
            throw StoreError(.keyEncryptionKey, "\(path): not 32 raw bytes, 64 hex digits or base64 of 32 bytes")
        }
    }

    /// Reads the key from an environment variable holding 64 hex digits or base64 of 32 bytes.
    ///
    /// - Throws: ``StoreError`` `.keyEncryptionKey` naming the variable.
    public static func load(environment name: String, from environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KeyEncryptionKey {
        guard let text = environment[name] else {
            throw StoreError(.keyEncryptionKey, "environment variable \(name) is not set")
        }
        do {
            return try parse(Array(text.utf8))
        } catch {
            throw StoreError(.keyEncryptionKey, "\(name): not 64 hex digits or base64 of 32 bytes")
        }
    }

    private static func parse(_ bytes: [UInt8]) throws -> KeyEncryptionKey {
        if bytes.count == 32 { return try KeyEncryptionKey(bytes: bytes) }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count == 64, let raw = Hex.decode(text) { return try KeyEncryptionKey(bytes: raw) }
        if let raw = Base64.decode(text), raw.count == 32 { return try KeyEncryptionKey(bytes: raw) }
        throw StoreError(.keyEncryptionKey, "unrecognised key encoding")
    }

    /// Encrypts `plaintext` bound to `context` (the resource path): `fingerprint(8) ‖ iv(12) ‖ ciphertext ‖ tag(16)`.
    package func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        do {
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8))
            return (Hex.decode(fingerprint) ?? []) + Array(box.nonce) + [UInt8](box.ciphertext) + [UInt8](box.tag)
        } catch {
            throw StoreError(.integrity, "AES-GCM sealing failed")
        }
    }

    /// Decrypts a value sealed by ``seal(_:context:)`` for the same `context`.
    package func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        guard sealed.count >= 8 + 12 + 16 else { throw StoreError(.corrupt, "sealed value of \(context) is too short") }
        guard Hex.encode(Array(sealed.prefix(8))) == fingerprint else {
            throw StoreError(.integrity, "\(context) was sealed under another key-encryption key (\(Hex.encode(Array(sealed.prefix(8)))), not \(fingerprint))")
        }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: try AES.GCM.Nonce(data: sealed[8..<20]), ciphertext: sealed[20..<(sealed.count - 16)], tag: sealed.suffix(16)
            )
            return [UInt8](try AES.GCM.open(box, using: key, authenticating: Array(context.utf8)))
        } catch {
            throw StoreError(.integrity, "\(context) fails its integrity check: edited at rest or moved to another path")
        }
    }
}
