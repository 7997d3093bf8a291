import Crypto

/// `io.jwt.verify_*` and `io.jwt.decode_verify`: JWS signature checks with a shared secret or a public key.
extension CryptoBuiltins {
    static let jwtVerifyBuiltins: [Builtin] =
        ["HS256", "HS384", "HS512"].map { algorithm in
            Builtin("io.jwt.verify_\(algorithm.lowercased())", arity: 2) { args, _ in
                let token = try JWS(compact: try args.string(0))
                let secret = Array(try args.string(1).utf8)
                return .bool(token.algorithm == algorithm && token.isValidMAC(secret: secret))
            }
        } + ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"].map { algorithm in
            Builtin("io.jwt.verify_\(algorithm.lowercased())", arity: 2) { args, _ in
                let token = try JWS(compact: try args.string(0))
                let keys = try JWTVerificationKey.keys(from: try args.string(1))
                return .bool(keys.contains { token.isValidSignature(key: $0, algorithm: algorithm) })
            }
        } + [
            Builtin("io.jwt.decode_verify", arity: 2) { args, context in
                try decodeVerify(try args.string(0), constraints: try args.object(1), now: context.nowNanoseconds)
            },
        ]

    /// `[valid, header, payload]`, with `[false, {}, {}]` for a token that fails the signature or a constraint.
    static func decodeVerify(_ text: String, constraints: ObjectValue, now: Int64) throws(BuiltinError) -> Value {
        let constraints = try JWTConstraints(constraints, now: now)
        let invalid = Value.array([.bool(false), .emptyObject, .emptyObject])
        let token = try JWS(compact: text)
        if let algorithm = constraints.algorithm, algorithm != token.algorithm { return invalid }
        switch constraints.key {
        case .secret(let secret):
            guard token.isValidMAC(secret: secret) else { return invalid }
        case .keys(let keys):
            guard keys.contains(where: { token.isValidSignature(key: $0, algorithm: token.algorithm) }) else { return invalid }
        }
        guard case .array(let decoded) = try decodeJWT(text), decoded.count == 3,
              case .object(let payload) = decoded[1] else { return invalid }
        guard constraints.accepts(payload) else { return invalid }
        return .array([.bool(true), decoded[0], decoded[1]])
    }
}

/// A compact JWS split into what its signature covers.
struct JWS: Sendable {
    /// The header's `alg`.
    let algorithm: String
    /// `base64url(header) . base64url(payload)`, the signed bytes.
    let signingInput: [UInt8]
    let signature: [UInt8]

    init(compact text: String) throws(BuiltinError) {
        let sections = text.split(separator: ".", omittingEmptySubsequences: false)
        guard sections.count == 3 else {
            throw BuiltinError.failure("encoded JWT must have 3 sections, found \(sections.count)")
        }
        let header: Value
        do {
            header = try JSONReader.parse(String(decoding: try Base64Codec.decodeURLPaddingIfNeeded(String(sections[0])),
                                                 as: UTF8.self))
            signature = try Base64Codec.decodeURLPaddingIfNeeded(String(sections[2]))
        } catch {
            throw BuiltinError.failure("failed to decode the JWT: \(error)")
        }
        guard case .string(let algorithm)? = header[.string("alg")] else { throw BuiltinError.failure("JWT header has no alg") }
        self.algorithm = algorithm
        signingInput = Array(sections[0].utf8) + [UInt8(ascii: ".")] + Array(sections[1].utf8)
    }

    /// Whether the token is an HS256/384/512 token whose MAC under `secret` matches, compared in constant time.
    func isValidMAC(secret: [UInt8]) -> Bool {
        let key = SymmetricKey(data: secret)
        let expected: [UInt8]
        switch algorithm {
        case "HS256": expected = Array(HMAC<SHA256>.authenticationCode(for: signingInput, using: key))
        case "HS384": expected = Array(HMAC<SHA384>.authenticationCode(for: signingInput, using: key))
        case "HS512": expected = Array(HMAC<SHA512>.authenticationCode(for: signingInput, using: key))
        default: return false
        }
        return CryptoBuiltins.constantTimeEqual(expected, signature)
    }

    /// Whether the token is signed with `algorithm` and its signature verifies under `key`.
    func isValidSignature(key: JWTVerificationKey, algorithm: String) -> Bool {
        self.algorithm == algorithm && key.isValidSignature(signature, for: signingInput, algorithm: algorithm)
    }
}

/// The second operand of `io.jwt.decode_verify`.
struct JWTConstraints: Sendable {
    enum Key: Sendable {
        case secret([UInt8])
        case keys([JWTVerificationKey])
    }

    let key: Key
    let algorithm: String?
    let issuer: String?
    let audience: String?
    /// The time at which `exp` and `nbf` are checked, in nanoseconds since the epoch.
    let time: Double

    init(_ object: ObjectValue, now: Int64) throws(BuiltinError) {
        var key: Key?
        var algorithm: String?, issuer: String?, audience: String?
        var time = Double(now)
        for entry in object.entries {
            guard case .string(let name) = entry.key else {
                throw BuiltinError.failure("token constraint names must be strings")
            }
            switch (name, entry.value) {
            case ("cert", .string(let text)):
                guard key == nil else { throw BuiltinError.failure("duplicate key constraints") }
                key = .keys(try JWTVerificationKey.keys(from: text))
            case ("secret", .string(let text)):
                guard key == nil else { throw BuiltinError.failure("duplicate key constraints") }
                key = .secret(Array(text.utf8))
            case ("alg", .string(let text)): algorithm = text
            case ("iss", .string(let text)): issuer = text
            case ("aud", .string(let text)): audience = text
            case ("time", .number(let number)): time = number.double
            case ("cert", _), ("secret", _), ("alg", _), ("iss", _), ("aud", _), ("time", _):
                throw BuiltinError.failure("token constraint \(name) has the wrong type \(entry.value.typeName)")
            default:
                throw BuiltinError.failure("unknown token validation constraint: \(name)")
            }
        }
        guard let key else { throw BuiltinError.failure("no key (cert or secret) in the token constraints") }
        self.key = key
        self.algorithm = algorithm
        self.issuer = issuer
        self.audience = audience
        self.time = time
    }

    /// Whether the claims pass the time window, issuer and audience checks. A token that names an audience is
    /// accepted only by a caller that names one of its audiences.
    func accepts(_ payload: ObjectValue) -> Bool {
        if let expiry = payload["exp"] {
            guard case .number(let seconds) = expiry, time < seconds.double * 1e9 else { return false }
        }
        if let notBefore = payload["nbf"] {
            guard case .number(let seconds) = notBefore, time >= seconds.double * 1e9 else { return false }
        }
        if let issuer, payload["iss"] != .string(issuer) { return false }
        switch payload["aud"] {
        case nil:
            return audience == nil
        case .string(let single)?:
            return audience == single
        case .array(let many)?:
            guard let audience else { return false }
            return many.contains(.string(audience))
        default:
            return false
        }
    }
}
