/// RSAES-OAEP encryption (RFC 8017, 7.1.1) with MGF1 over the same hash and any label, as TPM 2.0 uses it to send
/// a seed to a storage key (label `"IDENTITY\0"` for credentials; Part 1, B.10.3).
enum OAEP {
    /// Encrypts `message` to the RSA key with the hash and label, drawing the OAEP seed from `random`.
    ///
    /// - Throws: ``TPMError`` (`unsupported`) when the message is too long for the key or the hash unsupported.
    static func encrypt(_ message: [UInt8], key: RSAPublicOperation, hash: TPMAlgorithm, label: [UInt8],
                        random: (Int) -> [UInt8]) throws -> [UInt8] {
        guard let hLen = hash.digestSize else { throw TPMError(.unsupported, "OAEP with \(hash) is not supported") }
        let k = key.size
        guard message.count <= k - 2 * hLen - 2 else {
            throw TPMError(.unsupported, "OAEP: \(message.count) octets do not fit a \(k * 8)-bit key with \(hash)")
        }
        let db = try hash.hash(label) + [UInt8](repeating: 0, count: k - message.count - 2 * hLen - 2) + [0x01] + message
        let seed = random(hLen)
        let maskedDB = xor(db, try mgf1(hash, seed: seed, length: k - hLen - 1))
        let maskedSeed = xor(seed, try mgf1(hash, seed: maskedDB, length: hLen))
        return key.apply([0x00] + maskedSeed + maskedDB)
    }

    static func mgf1(_ hash: TPMAlgorithm, seed: [UInt8], length: Int) throws -> [UInt8] {
        var output: [UInt8] = []
        var counter: UInt32 = 0
        while output.count < length {
            let c = [UInt8(counter >> 24), UInt8(truncatingIfNeeded: counter >> 16), UInt8(truncatingIfNeeded: counter >> 8), UInt8(truncatingIfNeeded: counter)]
            output += try hash.hash(seed + c)
            counter += 1
        }
        return Array(output.prefix(length))
    }

    private static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] { zip(a, b).map { $0 ^ $1 } }
}
