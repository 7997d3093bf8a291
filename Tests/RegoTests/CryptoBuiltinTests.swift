import Testing
@testable import Rego

private func callCryptoBuiltin(_ name: String, _ args: Value...) throws -> Value? { try invokeBuiltin(name, args) }

private func cryptoBuiltinError(_ name: String, _ args: Value...) -> BuiltinError? { builtinError(name, args) }

@Suite struct CryptoBuiltinTests {
    @Test func digests() throws {
        // cryptomd5/crypto.md5 with string, cryptosha1/crypto.sha1 with string, cryptosha256/crypto.sha256 with string
        #expect(try callCryptoBuiltin("crypto.md5", .string("lorem ipsum")) == .string("80a751fde577028640c419000e33eba6"))
        #expect(try callCryptoBuiltin("crypto.sha1", .string("lorem ipsum"))
                == .string("bfb7759a67daeb65410490b4d98bb9da7d1ea2ce"))
        #expect(try callCryptoBuiltin("crypto.sha256", .string("lorem ipsum"))
                == .string("5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269"))
        #expect(cryptoBuiltinError("crypto.sha256", .int(1))?.message == "operand 1 must be string but got number")
    }

    @Test func hmacs() throws {
        // cryptohmacmd5/crypto.hmac.md5 (and _unicode), likewise for sha1, sha256, sha512
        let cases: [(String, String, String)] = [
            ("crypto.hmac.md5", "31b6db9e5eb4addb42f1a6ca07367adc", "20a8743c2157ac60b7e8b79c83651b8d"),
            ("crypto.hmac.sha1", "85d155c55ed286a300bd1cf124de08d87e914f3a", "81759c39013935fcf0de833d44c8018d7c1455dd"),
            ("crypto.hmac.sha256", "147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851",
             "eb90daeb76d4b2571fbdaf94bbb240809faa8fed93ec0c260dd38c3fdf8d963a"),
            ("crypto.hmac.sha512",
             "24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8",
             "192f5afded233d6e21427aa26ed267ac118cfa2971013d91cbed530c0b208d78138b83dfe1d6cc3553d7bd518f22a481402c723028e1279d1ffbe8f11ea6b125"),
        ]
        for (name, plain, unicode) in cases {
            #expect(try callCryptoBuiltin(name, .string("foo"), .string("bar")) == .string(plain), "\(name)")
            #expect(try callCryptoBuiltin(name, .string("åäöçß🥲♙Ω"), .string("秘密の")) == .string(unicode), "\(name)")
        }
    }

    @Test func hmacEqual() throws {
        // cryptohmacequal/crypto.hmac.equal_md5 … equal_false
        let mac = "31b6db9e5eb4addb42f1a6ca07367adc"
        #expect(try callCryptoBuiltin("crypto.hmac.equal", .string(mac), .string(mac)) == .bool(true))
        #expect(try callCryptoBuiltin("crypto.hmac.equal", .string(mac), .string("31b6db9e5eb4addb")) == .bool(false))
        #expect(try callCryptoBuiltin("crypto.hmac.equal", .string("ab"), .string("ac")) == .bool(false))
    }
}

@Suite struct JWTDecodeTests {
    static let expectedHeader = Value.object(ObjectValue([(.string("alg"), .string("HS256")), (.string("typ"), .string("JWT"))]))
    static let expectedPayload = Value.object(ObjectValue([(.string("iss"), .string("opa")), (.string("sub"), .string("0"))]))
    static let signature = Value.string("5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576")

    func decode(_ token: String) throws -> Value? { try callCryptoBuiltin("io.jwt.decode", .string(token)) }

    @Test func simple() throws {
        // jwtbuiltins/simple
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY"
        #expect(try decode(token) == .array([Self.expectedHeader, Self.expectedPayload, Self.signature]))
    }

    @Test func nonRegisteredAndComplexClaims() throws {
        // jwtbuiltins/simple-non-registered
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.6UmjsclVDGD9jcmX_F8RJzVgHtUZuLu2pxkF_UEQCrE"
        #expect(try decode(token) == .array([
            Self.expectedHeader, JSONReader.parse(#"{"iss": "opa", "new": "I am a user created field"}"#),
            .string("e949a3b1c9550c60fd8dc997fc5f112735601ed519b8bbb6a71905fd41100ab1"),
        ]))
        // jwtbuiltins/complex-values
        let complex = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIiwiZXh0Ijp7ImFiYyI6IjEyMyIsImNiYSI6WzEwLCIxMCJdfX0.IIxF-uJ6i4K5Dj71xNLnUeqB9jmujl6ujTInhii1PxE"
        #expect(try decode(complex) == .array([
            Self.expectedHeader, JSONReader.parse(#"{"ext": {"abc": "123", "cba": [10, "10"]}, "iss": "opa", "sub": "0"}"#),
            .string("208c45fae27a8b82b90e3ef5c4d2e751ea81f639ae8e5eae8d32278628b53f11"),
        ]))
    }

    @Test func nestedAndDuplicateKeys() throws {
        // jwtbuiltins/nested
        let nested = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9.ImV5SmhiR2NpT2lKSVV6STFOaUlzSW5SNWNDSTZJa3BYVkNKOS5leUp6ZFdJaU9pSXdJaXdpYVhOeklqb2liM0JoSW4wLlhtVm9Mb0hJM3B4TXRNT19XUk9OTVNKekdVRFA5cERqeThKcDBfdGRSWFki.8W0qx4mLxslmZl7wEMUWBxH7tST3XsEuWXxesXqFnRI"
        #expect(try decode(nested) == .array([Self.expectedHeader, Self.expectedPayload, Self.signature]))
        // jwtbuiltins/double-nested
        let doubleNested = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9.ImV5SmhiR2NpT2lKSVV6STFOaUlzSW5SNWNDSTZJa3BYVkNJc0ltTjBlU0k2SWtwWFZDSjkuSW1WNVNtaGlSMk5wVDJsS1NWVjZTVEZPYVVselNXNVNOV05EU1RaSmEzQllWa05LT1M1bGVVcDZaRmRKYVU5cFNYZEphWGRwWVZoT2VrbHFiMmxpTTBKb1NXNHdMbGh0Vm05TWIwaEpNM0I0VFhSTlQxOVhVazlPVFZOS2VrZFZSRkE1Y0VScWVUaEtjREJmZEdSU1dGa2kuOFcwcXg0bUx4c2xtWmw3d0VNVVdCeEg3dFNUM1hzRXVXWHhlc1hxRm5SSSI.U8rwnGAJ-bJoGrAYKEzNtbJQWd3x1eW0Y25nLKHDCgo"
        #expect(try decode(doubleNested) == .array([Self.expectedHeader, Self.expectedPayload, Self.signature]))
        // jwtbuiltins/duplicate-keys
        let duplicates = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiAiMCIsImlzcyI6ICJub3Qgb3BhIiwgImlzcyI6ICJhbHNvIG5vdCBvcGEiLCAiaXNzIjogIm9wYSJ9.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY"
        #expect(try decode(duplicates) == .array([Self.expectedHeader, Self.expectedPayload, Self.signature]))
    }

    @Test func malformedTokens() {
        let cases: [(String, String)] = [
            // jwtbuiltins/no-support-jwe
            ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.McGUb1e-UviZKy6UyQErNNQzEUgeV25Buwk7OHOa8U8",
             "JWT is a JWE object, which is not supported"),
            // jwtbuiltins/no-periods
            ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY",
             "encoded JWT had no period separators"),
            // jwtbuiltins/wrong-period-count
            ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXV.CJ9eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY",
             "encoded JWT must have 3 sections, found 2"),
            // jwtbuiltins/bad-header-encoding
            ("eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY",
             "JWT header had invalid encoding: illegal base64 data at input byte 13"),
            // jwtbuiltins/bad-payload-encoding
            ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwia/XNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY",
             "JWT payload had invalid encoding: illegal base64 data at input byte 17"),
            // jwtbuiltins/bad-signature-encoding
            ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO(_WRONMSJzGUDP9pDjy8Jp0_tdRXY",
             "JWT signature had invalid encoding: illegal base64 data at input byte 15"),
        ]
        for (token, message) in cases {
            let error = cryptoBuiltinError("io.jwt.decode", .string(token))
            #expect(error?.kind == .builtin)
            #expect(error?.message == message)
        }
    }
}
