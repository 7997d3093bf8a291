import Crypto

/// The hashing builtins: `crypto.md5`, `crypto.sha1`, `crypto.sha256`, `crypto.hmac.*`, and `io.jwt.decode`.
enum CryptoBuiltins {
    static let all: [Builtin] = digestBuiltins + hmacBuiltins + jwtBuiltins + jwtVerifyBuiltins

    static let digestBuiltins: [Builtin] = [
        Builtin("crypto.md5", arity: 1) { args, _ in .string(hexDigest(Insecure.MD5.self, try args.string(0))) },
        Builtin("crypto.sha1", arity: 1) { args, _ in .string(hexDigest(Insecure.SHA1.self, try args.string(0))) },
        Builtin("crypto.sha256", arity: 1) { args, _ in .string(hexDigest(SHA256.self, try args.string(0))) },
    ]

    /// `crypto.hmac.<hash>(message, key)` returns the hex MAC; `crypto.hmac.equal` compares MACs in constant time.
    static let hmacBuiltins: [Builtin] = [
        Builtin("crypto.hmac.md5", arity: 2) { args, _ in
            .string(hexMAC(Insecure.MD5.self, message: try args.string(0), key: try args.string(1)))
        },
        Builtin("crypto.hmac.sha1", arity: 2) { args, _ in
            .string(hexMAC(Insecure.SHA1.self, message: try args.string(0), key: try args.string(1)))
        },
        Builtin("crypto.hmac.sha256", arity: 2) { args, _ in
            .string(hexMAC(SHA256.self, message: try args.string(0), key: try args.string(1)))
        },
        Builtin("crypto.hmac.sha512", arity: 2) { args, _ in
            .string(hexMAC(SHA512.self, message: try args.string(0), key: try args.string(1)))
        },
        Builtin("crypto.hmac.equal", arity: 2) { args, _ in
            .bool(constantTimeEqual(Array(try args.string(0).utf8), Array(try args.string(1).utf8)))
        },
    ]

    /// The lower-case hex digest of the UTF-8 bytes of `text`.
    static func hexDigest<H: HashFunction>(_ hash: H.Type, _ text: String) -> String {
        EncodingBuiltins.hexString(H.hash(data: Array(text.utf8)))
    }

    /// The lower-case hex HMAC of `message` under `key`, both taken as UTF-8 bytes.
    static func hexMAC<H: HashFunction>(_ hash: H.Type, message: String, key: String) -> String {
        let code = HMAC<H>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8)))
        return EncodingBuiltins.hexString(code)
    }

    /// Whether `a` and `b` are equal, taking the same time for any two inputs of the same length, as Go's
    /// `hmac.Equal`. Inputs of different lengths are unequal.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
