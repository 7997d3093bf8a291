import HermeticCore
@testable import JOSE
import Testing

/// RSA keys are slow to make; the tests share these.
enum Keys {
    static let rsaOAEP256 = Result { try PrivateJWK.generateRSA(algorithm: .rsaOAEP256) }
    static let rsa1_5 = Result { try PrivateJWK.generateRSA(algorithm: .rsa1_5) }
}

@Suite("JOSE: JWE as the KBS uses it")
struct JWERoundTripTests {
    static let secret = Array("a very secret key 0123456789abcdef".utf8)

    static func keys() throws -> [PrivateJWK] {
        [PrivateJWK.generateEC(.p256), PrivateJWK.generateEC(.p521), PrivateJWK.generateEC(.p384),
         try Keys.rsaOAEP256.get(), try Keys.rsa1_5.get()]
    }

    @Test("every key type: encrypt to the public JWK, decrypt with the private key as a guest does")
    func roundTrip() throws {
        for key in try Self.keys() {
            let publicJWK = try PublicJWK(json: key.publicJWK.json)
            #expect(publicJWK == key.publicJWK)
            let jwe = try JWE.encrypt(Self.secret, to: publicJWK)
            #expect(try JWE.decrypt(jwe, with: key) == Self.secret)
            #expect(try JWE.decrypt(jwe, with: key, aadSource: .asReceived) == Self.secret)
            // The protected member is byte for byte what the guest re-serialises.
            let header = try ProtectedHeader(encoded: jwe.protected)
            #expect(header.encoded == jwe.protected)
            #expect(header.algorithm == key.algorithm.rawValue)
            #expect(Base64.decode(jwe.tag)?.count == 16)
            #expect(Base64.decode(jwe.iv)?.count == 12)
            #expect(!jwe.protected.contains("="))
            if case .ec(let curve, _, _) = publicJWK.key {
                #expect(Base64.decode(jwe.encryptedKey)?.count == 40)
                #expect(header.otherMembers["epk"]?["crv"]?.stringValue == curve.rawValue)
                #expect(header.otherMembers["epk"]?["x"]?.stringValue.flatMap(Base64.decode)?.count == curve.coordinateLength)
                #expect(header.otherMembers.keys.sorted() == ["epk"])
            } else {
                #expect(header.otherMembers.isEmpty)
            }
        }
    }

    @Test("P-256 header has exactly Trustee's shape: alg, enc, epk{crv,kty,x,y}")
    func p256HeaderShape() throws {
        let jwe = try JWE.encrypt(Self.secret, to: PrivateJWK.generateEC().publicJWK)
        let text = String(decoding: Base64.decode(jwe.protected) ?? [], as: UTF8.self)
        #expect(text.hasPrefix(#"{"alg":"ECDH-ES+A256KW","enc":"A256GCM","epk":{"crv":"P-256","kty":"EC","x":""#))
        #expect(text.hasSuffix(#""}}"#))
    }

    @Test("protocol 0.1.1 form: raw JSON protected, tag inside the ciphertext, RSA1_5 only")
    func legacy() throws {
        let key = try Keys.rsa1_5.get()
        let jwe = try JWE.encryptLegacy(Self.secret, to: key.publicJWK)
        #expect(jwe.protected == #"{"alg":"RSA1_5","enc":"A256GCM"}"#)
        #expect(jwe.tag.isEmpty)
        #expect(Base64.decode(jwe.ciphertext)?.count == Self.secret.count + 16)
        #expect(try JWE.decryptLegacy(jwe, with: key) == Self.secret)
        #expect(throws: JOSEError(.unsupportedAlgorithm, "")) { try JWE.encryptLegacy(Self.secret, to: PrivateJWK.generateEC().publicJWK) }
    }

    @Test("a tampered member is refused with a named error, never opened")
    func tampering() throws {
        for key in [PrivateJWK.generateEC(.p256), try Keys.rsaOAEP256.get()] {
            let jwe = try JWE.encrypt(Self.secret, to: key.publicJWK)
            func flipped(_ text: String) -> String {
                var bytes = Base64.decode(text) ?? []
                bytes[bytes.count / 2] ^= 0x01
                return Base64.encodeURL(bytes)
            }
            var variants: [FlattenedJWE] = []
            var v = jwe; v.ciphertext = flipped(jwe.ciphertext); variants.append(v)
            v = jwe; v.tag = flipped(jwe.tag); variants.append(v)
            v = jwe; v.iv = flipped(jwe.iv); variants.append(v)
            v = jwe; v.encryptedKey = flipped(jwe.encryptedKey); variants.append(v)
            v = jwe; v.aad = "ZXh0cmE"; variants.append(v)
            for variant in variants {
                #expect(throws: JOSEError(.decryptionFailed, "")) { try JWE.decrypt(variant, with: key) }
            }
            // A header with an extra member: the guest re-serialises it, so the AAD differs.
            var header = try ProtectedHeader(encoded: jwe.protected)
            header.otherMembers["kid"] = .string("x")
            v = jwe; v.protected = header.encoded
            #expect(throws: JOSEError(.decryptionFailed, "")) { try JWE.decrypt(v, with: key) }
            v = jwe; v.iv = "AAAA"
            #expect(throws: JOSEError(.malformed, "")) { try JWE.decrypt(v, with: key) }
            v = jwe; v.tag = "%%%"
            #expect(throws: JOSEError(.malformed, "")) { try JWE.decrypt(v, with: key) }
            header = try ProtectedHeader(encoded: jwe.protected)
            header.encryption = "A128GCM"
            v = jwe; v.protected = header.encoded
            #expect(throws: JOSEError(.unsupportedAlgorithm, "")) { try JWE.decrypt(v, with: key) }
        }
    }

    @Test("a JWE for another key or another curve does not open")
    func wrongKey() throws {
        let jwe = try JWE.encrypt(Self.secret, to: PrivateJWK.generateEC(.p256).publicJWK)
        #expect(throws: JOSEError(.decryptionFailed, "")) { try JWE.decrypt(jwe, with: PrivateJWK.generateEC(.p256)) }
        #expect(throws: JOSEError(.keyMismatch, "")) { try JWE.decrypt(jwe, with: PrivateJWK.generateEC(.p521)) }
        #expect(throws: JOSEError(.keyMismatch, "")) { try JWE.decrypt(jwe, with: try Keys.rsaOAEP256.get()) }
        let rsa = try JWE.encrypt(Self.secret, to: try Keys.rsaOAEP256.get().publicJWK)
        #expect(throws: JOSEError(.keyMismatch, "")) { try JWE.decrypt(rsa, with: try Keys.rsa1_5.get()) }
    }

    @Test("tee-pubkey JWKs: the guest's shapes are read, bad ones named")
    func jwkParsing() throws {
        let good = try PublicJWK(json: .object([
            "kty": .string("EC"), "crv": .string("P-256"), "alg": .string("ECDH-ES+A256KW"),
            "x": .string(Base64.encodeURL([UInt8](repeating: 1, count: 32))), "y": .string(Base64.encodeURL([UInt8](repeating: 2, count: 32))),
            "kid": .string("ignored"),
        ]))
        #expect(good.json.objectValue?.keys.sorted() == ["alg", "crv", "kty", "x", "y"])
        let short = JSONValue.object([
            "kty": .string("EC"), "crv": .string("P-256"), "alg": .string("ECDH-ES+A256KW"), "x": .string("AQ"), "y": .string("AQ"),
        ])
        #expect(throws: JOSEError(.malformed, "")) { try PublicJWK(json: short) }
        #expect(throws: JOSEError(.unsupportedAlgorithm, "")) {
            try PublicJWK(json: .object(["kty": .string("OKP"), "alg": .string("ECDH-ES+A256KW")]))
        }
        #expect(throws: JOSEError(.unsupportedAlgorithm, "")) {
            try PublicJWK(json: .object(["kty": .string("RSA"), "alg": .string("RSA-OAEP-384"), "n": .string("AQ"), "e": .string("AQ")]))
        }
        #expect(throws: JOSEError(.keyMismatch, "")) {
            try PublicJWK(json: .object(["kty": .string("RSA"), "alg": .string("ECDH-ES+A256KW"), "n": .string("AQ"), "e": .string("AQ")]))
        }
        #expect(throws: JOSEError(.malformed, "")) { try PublicJWK(json: .array([])) }
        // An RSA key under 2048 bits is refused when used.
        let small = try PublicJWK(key: .rsa(n: [UInt8](repeating: 0xFF, count: 64), e: [1, 0, 1]), algorithm: .rsaOAEP256)
        #expect(throws: JOSEError(.malformed, "")) { try JWE.encrypt(Self.secret, to: small) }
        // A point that is not on the curve is refused.
        let offCurve = try PublicJWK(key: .ec(curve: .p256, x: [UInt8](repeating: 1, count: 32), y: [UInt8](repeating: 2, count: 32)), algorithm: .ecdhESA256KW)
        #expect(throws: JOSEError(.malformed, "")) { try JWE.encrypt(Self.secret, to: offCurve) }
    }
}
