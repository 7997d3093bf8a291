import Crypto
import Foundation
import HermeticCore
import ImageCrypt
import Testing
import _CryptoExtras

@Suite("ocicrypt layer cipher")
struct LayerCipherTests {
    /// NIST SP 800-38A F.5.5, CTR-AES256.Encrypt.
    @Test func nistCTRVector() throws {
        let key = try #require(Hex.decode("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"))
        let counter = try #require(Hex.decode("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"))
        let plaintext = try #require(Hex.decode(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
        ))
        let expected = "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"
        // Fed one block at a time, the stream must advance the counter itself (across the 0xff…ff carry).
        var cipher = try LayerCipher(key: key, nonce: counter, direction: .encrypt)
        var output: [UInt8] = []
        for start in stride(from: 0, to: plaintext.count, by: 16) {
            output += try cipher.process(Array(plaintext[start..<start + 16]))
        }
        #expect(Hex.encode(output) == expected)
        // The HMAC is over the ciphertext, under the same key.
        let mac = HMAC<SHA256>.authenticationCode(for: output, using: SymmetricKey(data: key))
        #expect(cipher.authenticationCode() == Array(mac))
    }

    /// Chunked output equals BoringSSL's one-shot CTR when the counter's low 64 bits wrap mid-stream.
    @Test func counterCarriesAcross64Bits() throws {
        let key = (0..<32).map { UInt8($0) }
        let nonce: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]
        let data = (0..<(16 * 10 + 5)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let oneShot = try AES._CTR.encrypt(data, using: SymmetricKey(data: key), nonce: try AES._CTR.Nonce(nonceBytes: nonce))
        var cipher = try LayerCipher(key: key, nonce: nonce, direction: .encrypt)
        var chunked: [UInt8] = []
        chunked += try cipher.process(Array(data[0..<32]))
        chunked += try cipher.process(Array(data[32..<96]))
        chunked += try cipher.process(Array(data[96...]))
        #expect(chunked == [UInt8](oneShot))
        var decipher = try LayerCipher(key: key, nonce: nonce, direction: .decrypt)
        #expect(try decipher.process(chunked) == Data(data))
        #expect(decipher.authenticationCode() == cipher.authenticationCode())
    }

    @Test func wrongSizesAreRefused() {
        #expect(throws: ImageCryptError(.malformed, "")) { try LayerCipher(key: [1, 2], nonce: Array(repeating: 0, count: 16), direction: .encrypt) }
        #expect(throws: ImageCryptError(.malformed, "")) { try LayerCipher(key: Array(repeating: 0, count: 32), nonce: [0], direction: .encrypt) }
    }
}
