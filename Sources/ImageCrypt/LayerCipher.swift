import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import _CryptoExtras

/// ocicrypt's layer cipher as a stream: AES-256-CTR with a 16-byte initial counter block that counts as one 128-bit
/// big-endian integer (Go's `cipher.NewCTR`), and HMAC-SHA256 under the same key over the ciphertext.
///
/// Feed chunks in order; every chunk but the last must be a multiple of 16 bytes (the counter advances by whole
/// blocks between calls). AES runs in BoringSSL (AES-NI/VAES where the CPU has them).
public struct LayerCipher: Sendable {
    /// Whether the stream encrypts (HMAC after AES) or decrypts (HMAC before AES).
    public enum Direction: Sendable {
        /// Plaintext in, ciphertext out.
        case encrypt
        /// Ciphertext in, plaintext out.
        case decrypt
    }

    private let key: SymmetricKey
    private let nonce: [UInt8]
    private let direction: Direction
    private var hmac: HMAC<SHA256>
    private var blocks: UInt64 = 0
    private var sawPartialBlock = false

    /// Creates a stream.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` unless the key is 32 bytes and the nonce 16.
    public init(key: [UInt8], nonce: [UInt8], direction: Direction) throws {
        guard key.count == 32 else { throw ImageCryptError(.malformed, "the layer key is \(key.count) bytes, AES-256 needs 32") }
        guard nonce.count == 16 else { throw ImageCryptError(.malformed, "the layer nonce is \(nonce.count) bytes, AES-CTR needs 16") }
        self.key = SymmetricKey(data: key)
        self.nonce = nonce
        self.direction = direction
        hmac = HMAC(key: self.key)
    }

    /// Transforms one chunk: AES-CTR, and the HMAC over the ciphertext side.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` for a chunk after one whose length was not a multiple of 16.
    public mutating func process(_ chunk: [UInt8]) throws -> Data {
        if direction == .decrypt { authenticate(chunk) }
        let output = try transform(chunk)
        if direction == .encrypt { hmac.update(data: output) }
        return output
    }

    /// Only the AES-CTR half of ``process(_:)``: for a caller that runs the HMAC (``authenticate(_:)``) on another
    /// instance in parallel.
    ///
    /// - Throws: ``ImageCryptError`` `.malformed` for a chunk after one whose length was not a multiple of 16.
    public mutating func transform(_ chunk: [UInt8]) throws -> Data {
        guard !sawPartialBlock else { throw ImageCryptError(.malformed, "a layer chunk followed a partial AES block") }
        if chunk.count % 16 != 0 { sawPartialBlock = true }
        let output: Data
        do {
            output = try AES._CTR.encrypt(chunk, using: key, nonce: try AES._CTR.Nonce(nonceBytes: counterBlock()))
        } catch {
            throw ImageCryptError(.malformed, "AES-CTR refused the layer key or counter")
        }
        blocks &+= UInt64((chunk.count + 15) / 16)
        return output
    }

    /// Only the HMAC half: adds ciphertext to the authentication code.
    public mutating func authenticate(_ ciphertext: some DataProtocol) {
        hmac.update(data: ciphertext)
    }

    /// The HMAC-SHA256 of all ciphertext so far.
    public func authenticationCode() -> [UInt8] {
        Array(hmac.finalize())
    }

    /// The initial counter block plus the blocks done, as a 128-bit big-endian sum.
    private func counterBlock() -> [UInt8] {
        var block = nonce
        var carry = blocks
        var index = 15
        var overflow: UInt16 = 0
        while index >= 0, carry != 0 || overflow != 0 {
            let sum = UInt16(block[index]) + UInt16(carry & 0xff) + overflow
            block[index] = UInt8(sum & 0xff)
            overflow = sum >> 8
            carry >>= 8
            index -= 1
        }
        return block
    }
}
