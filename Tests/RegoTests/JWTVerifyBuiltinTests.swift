import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import Testing
import TestSupport
@testable import Rego

/// `io.jwt.verify_*` and `io.jwt.decode_verify` on published tokens and on tokens signed here.
@Suite struct JWTVerifyBuiltinTests {
    /// jwt.io's sample token, HS256 under the secret `your-256-bit-secret`.
    static let jwtIOToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

    /// RFC 7515 Appendix A.3: an ES256 JWS and the P-256 public key as a JWK.
    static let rfc7515ES256Token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
    static let rfc7515ES256Key = #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#

    private static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A compact JWS of `claims` under `header`, signed by `sign`.
    private static func token(header: String, claims: String, sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        let input = base64URL(Array(header.utf8)) + "." + base64URL(Array(claims.utf8))
        return input + "." + base64URL(try sign(Array(input.utf8)))
    }

    private static func hs256(_ claims: String, secret: String = "s3cret") -> String {
        token(header: #"{"alg":"HS256","typ":"JWT"}"#, claims: claims) { input in
            Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: Array(secret.utf8))))
        }
    }

    private static func tampered(_ token: String) -> String {
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = base64URL(Array(#"{"sub":"mallory"}"#.utf8))
        return parts.joined(separator: ".")
    }

    @Test func hmacTokens() throws {
        #expect(try invokeBuiltin("io.jwt.verify_hs256", [.string(Self.jwtIOToken), .string("your-256-bit-secret")]) == .bool(true))
        #expect(try invokeBuiltin("io.jwt.verify_hs256", [.string(Self.jwtIOToken), .string("another secret")]) == .bool(false))
        #expect(try invokeBuiltin("io.jwt.verify_hs256", [.string(Self.tampered(Self.jwtIOToken)),
                                                          .string("your-256-bit-secret")]) == .bool(false))
        // The algorithm is part of the check: an HS256 token is not an HS512 one.
        #expect(try invokeBuiltin("io.jwt.verify_hs512", [.string(Self.jwtIOToken), .string("your-256-bit-secret")]) == .bool(false))
    }

    @Test func ecdsaTokenWithJWK() throws {
        #expect(try invokeBuiltin("io.jwt.verify_es256", [.string(Self.rfc7515ES256Token), .string(Self.rfc7515ES256Key)]) == .bool(true))
        let set = #"{"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"},"#
            + Self.rfc7515ES256Key.dropFirst(0) + "]}"
        #expect(try invokeBuiltin("io.jwt.verify_es256", [.string(Self.rfc7515ES256Token), .string(set)]) == .bool(true))
        #expect(try invokeBuiltin("io.jwt.verify_es256", [.string(Self.tampered(Self.rfc7515ES256Token)),
                                                          .string(Self.rfc7515ES256Key)]) == .bool(false))
        #expect(try invokeBuiltin("io.jwt.verify_rs256", [.string(Self.rfc7515ES256Token), .string(Self.rfc7515ES256Key)]) == .bool(false))
    }

    @Test func ecdsaTokenWithCertificateAndPublicKey() throws {
        let key = P384.Signing.PrivateKey()
        let name = try TestCertificateBuilder.name(commonName: "jwt signer")
        let certificate = try TestCertificateBuilder.certificate(
            issuer: name, subject: name, notBefore: Date(timeIntervalSince1970: 0),
            notAfter: Date(timeIntervalSince1970: 4_000_000_000), subjectKey: .p384(key), signedBy: .p384(key))
        let certificatePEM = PEMDocument(type: "CERTIFICATE", derBytes: certificate).pemString
        let signed = try Self.token(header: #"{"alg":"ES384"}"#, claims: #"{"sub":"alice"}"#) { input in
            Array(try key.signature(for: SHA384.hash(data: input)).rawRepresentation)
        }
        #expect(try invokeBuiltin("io.jwt.verify_es384", [.string(signed), .string(certificatePEM)]) == .bool(true))
        #expect(try invokeBuiltin("io.jwt.verify_es384", [.string(signed), .string(key.publicKey.pemRepresentation)]) == .bool(true))
        #expect(try invokeBuiltin("io.jwt.verify_es384", [.string(Self.tampered(signed)), .string(certificatePEM)]) == .bool(false))
        let other = P384.Signing.PrivateKey().publicKey.pemRepresentation
        #expect(try invokeBuiltin("io.jwt.verify_es384", [.string(signed), .string(other)]) == .bool(false))
        expectBuiltinError(.builtin, "PEM") {
            try invokeBuiltin("io.jwt.verify_es384", [.string(signed), .string("not a key")])
        }
    }

    @Test func rsaTokens() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let pkcs1 = try Self.token(header: #"{"alg":"RS256"}"#, claims: #"{"sub":"alice"}"#) { input in
            Array(try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        }
        let pss = try Self.token(header: #"{"alg":"PS384"}"#, claims: #"{"sub":"alice"}"#) { input in
            Array(try key.signature(for: SHA384.hash(data: input), padding: .PSS).rawRepresentation)
        }
        let components = try key.publicKey.getKeyPrimitives()
        let jwk = #"{"kty":"RSA","n":"\#(Self.base64URL(components.modulus))","e":"\#(Self.base64URL(components.publicExponent))"}"#
        #expect(try invokeBuiltin("io.jwt.verify_rs256", [.string(pkcs1), .string(jwk)]) == .bool(true))
        #expect(try invokeBuiltin("io.jwt.verify_rs256", [.string(pkcs1), .string(key.publicKey.pemRepresentation)]) == .bool(true))
        #expect(try invokeBuiltin("io.jwt.verify_ps384", [.string(pss), .string(jwk)]) == .bool(true))
        #expect(try invokeBuiltin("io.jwt.verify_ps384", [.string(pkcs1), .string(jwk)]) == .bool(false))
        #expect(try invokeBuiltin("io.jwt.verify_rs256", [.string(Self.tampered(pkcs1)), .string(jwk)]) == .bool(false))
    }

    @Test func decodeVerifyChecksTheSignatureAndTheConstraints() throws {
        func decodeVerify(_ token: String, _ constraints: String, now: Int64 = 1_700_000_000_000_000_000) throws -> Value? {
            try invokeBuiltin("io.jwt.decode_verify", [.string(token), try JSONReader.parse(constraints)], now: now)
        }
        func valid(_ result: Value?) -> Bool { result?[.number(.int(0))] == .bool(true) }
        let token = Self.hs256(#"{"iss":"hermetic","aud":["kbs","gate"],"nbf":1600000000,"exp":1800000000,"sub":"alice"}"#)

        let accepted = try decodeVerify(token, #"{"secret":"s3cret","iss":"hermetic","aud":"kbs"}"#)
        #expect(accepted == .array([.bool(true), try JSONReader.parse(#"{"alg":"HS256","typ":"JWT"}"#),
                                    try JSONReader.parse(#"{"iss":"hermetic","aud":["kbs","gate"],"nbf":1600000000,"exp":1800000000,"sub":"alice"}"#)]))
        #expect(try decodeVerify(token, #"{"secret":"wrong","aud":"kbs"}"#)
                == .array([.bool(false), .emptyObject, .emptyObject]))
        #expect(!valid(try decodeVerify(token, #"{"secret":"s3cret","aud":"kbs","iss":"someone else"}"#)))
        #expect(!valid(try decodeVerify(token, #"{"secret":"s3cret","aud":"other"}"#)))
        // A token that names audiences is only for a caller that names one of them.
        #expect(!valid(try decodeVerify(token, #"{"secret":"s3cret"}"#)))
        #expect(!valid(try decodeVerify(token, #"{"secret":"s3cret","aud":"kbs","alg":"HS512"}"#)))
        #expect(valid(try decodeVerify(token, #"{"secret":"s3cret","aud":"kbs","time":1700000000000000000}"#, now: 0)))
        #expect(!valid(try decodeVerify(token, #"{"secret":"s3cret","aud":"kbs"}"#, now: 1_900_000_000_000_000_000)))
        #expect(!valid(try decodeVerify(token, #"{"secret":"s3cret","aud":"kbs"}"#, now: 1_500_000_000_000_000_000)))
        #expect(valid(try decodeVerify(Self.rfc7515ES256Token, #"{"cert":\#(Self.quoted(Self.rfc7515ES256Key)),"time":1300819379000000000}"#)))
        #expect(!valid(try decodeVerify(Self.rfc7515ES256Token, #"{"cert":\#(Self.quoted(Self.rfc7515ES256Key))}"#)))

        expectBuiltinError(.builtin, "unknown token validation constraint: sub") {
            try decodeVerify(token, #"{"secret":"s3cret","sub":"alice"}"#)
        }
        expectBuiltinError(.builtin, "no key") { try decodeVerify(token, #"{"aud":"kbs"}"#) }
        expectBuiltinError(.builtin, "3 sections") { try decodeVerify("a.b", #"{"secret":"s3cret"}"#) }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
