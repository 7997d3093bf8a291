import Testing
@testable import Rego

func callEncodingBuiltin(_ name: String, _ args: Value...) throws -> Value? { try invokeBuiltin(name, args) }

func encodingBuiltinError(_ name: String, _ args: Value...) -> BuiltinError? { builtinError(name, args) }

@Suite struct Base64AndHexBuiltinTests {
    @Test func base64RoundTrips() throws {
        // base64builtins/encode-1, encode-2, decode-1, decode-2, encode-slash, decode-slash
        #expect(try callEncodingBuiltin("base64.encode", .string("hello")) == .string("aGVsbG8="))
        #expect(try callEncodingBuiltin("base64.encode", .string("there")) == .string("dGhlcmU="))
        #expect(try callEncodingBuiltin("base64.decode", .string("aGVsbG8=")) == .string("hello"))
        #expect(try callEncodingBuiltin("base64.decode", .string("dGhlcmU=")) == .string("there"))
        #expect(try callEncodingBuiltin("base64.encode", .string("subjects?_d")) == .string("c3ViamVjdHM/X2Q="))
        #expect(try callEncodingBuiltin("base64.decode", .string("c3ViamVjdHM/X2Q=")) == .string("subjects?_d"))
        #expect(try callEncodingBuiltin("base64.encode", .string("")) == .string(""))
    }

    @Test func base64ValidityAndErrors() throws {
        // base64builtins/is_valid-true, is_valid-false
        #expect(try callEncodingBuiltin("base64.is_valid", .string("aGVsbG8=")) == .bool(true))
        #expect(try callEncodingBuiltin("base64.is_valid", .string("{'not':'base64'}")) == .bool(false))
        #expect(try callEncodingBuiltin("base64.is_valid", .string("aGVsbG8")) == .bool(false))
        #expect(encodingBuiltinError("base64.decode", .string("aGV$bG8="))?.message
                == "illegal base64 data at input byte 3")
        #expect(encodingBuiltinError("base64.decode", .string("aGVsbG8"))?.message
                == "illegal base64 data at input byte 4")
        #expect(encodingBuiltinError("base64.decode", .int(1))?.message == "operand 1 must be string but got number")
    }

    @Test func base64URL() throws {
        // base64urlbuiltins/encode-1, encode-2, decode-1 padded string, decode-2 non-padded string, without padding
        #expect(try callEncodingBuiltin("base64url.encode", .string("hello")) == .string("aGVsbG8="))
        #expect(try callEncodingBuiltin("base64url.encode", .string("there")) == .string("dGhlcmU="))
        #expect(try callEncodingBuiltin("base64url.decode", .string("aGVsbG8=")) == .string("hello"))
        #expect(try callEncodingBuiltin("base64url.decode", .string("aGVsbG8")) == .string("hello"))
        #expect(try callEncodingBuiltin("base64url.encode_no_pad", .string("hello")) == .string("aGVsbG8"))
        #expect(try callEncodingBuiltin("base64url.encode_no_pad", .string("there")) == .string("dGhlcmU"))
        #expect(try callEncodingBuiltin("base64url.encode", .string("subjects?_d")) == .string("c3ViamVjdHM_X2Q="))
        #expect(encodingBuiltinError("base64url.decode", .string("a"))?.message == "illegal base64url string: a")
    }

    @Test func hex() throws {
        // hexbuiltins/hex_encode with string, hex_decode with string, hex_decode with invalid hex encoded string
        #expect(try callEncodingBuiltin("hex.encode", .string("lorem ipsum")) == .string("6c6f72656d20697073756d"))
        #expect(try callEncodingBuiltin("hex.decode", .string("6c6f72656d20697073756d")) == .string("lorem ipsum"))
        let error = encodingBuiltinError("hex.decode", .string("fghijkl"))
        #expect(error?.kind == .builtin)
        #expect(error?.message.contains("invalid byte: U+0067 'g'") == true)
        #expect(encodingBuiltinError("hex.decode", .string("abc"))?.message == "encoding/hex: odd length hex string")
        #expect(encodingBuiltinError("hex.decode", .string("ab\n1"))?.message == "encoding/hex: invalid byte: U+000A")
    }
}

@Suite struct URLQueryBuiltinTests {
    @Test func escapes() throws {
        // urlbuiltins/encode, encode empty, decode
        #expect(try callEncodingBuiltin("urlquery.encode", .string("a=b+1")) == .string("a%3Db%2B1"))
        #expect(try callEncodingBuiltin("urlquery.encode", .string("")) == .string(""))
        #expect(try callEncodingBuiltin("urlquery.decode", .string("a%3Db%2B1")) == .string("a=b+1"))
        #expect(try callEncodingBuiltin("urlquery.encode", .string("a b~é")) == .string("a+b~%C3%A9"))
        #expect(try callEncodingBuiltin("urlquery.decode", .string("a+b%7e")) == .string("a b~"))
        #expect(encodingBuiltinError("urlquery.decode", .string("%zz"))?.message == "invalid URL escape \"%zz\"")
        #expect(encodingBuiltinError("urlquery.decode", .string("ab%4"))?.message == "invalid URL escape \"%4\"")
    }

    @Test func encodesObjects() throws {
        // urlbuiltins/encode_object empty, strings, escape, array, set
        #expect(try callEncodingBuiltin("urlquery.encode_object", .emptyObject) == .string(""))
        #expect(try callEncodingBuiltin("urlquery.encode_object", JSONReader.parse(#"{"a": "b", "c": "d"}"#))
                == .string("a=b&c=d"))
        #expect(try callEncodingBuiltin("urlquery.encode_object", JSONReader.parse(#"{"a": "c=b+1"}"#))
                == .string("a=c%3Db%2B1"))
        #expect(try callEncodingBuiltin("urlquery.encode_object", JSONReader.parse(#"{"a": ["b+1", "c+2"]}"#))
                == .string("a=b%2B1&a=c%2B2"))
        let withSet = Value.object(ObjectValue([(.string("a"), .set(SetValue([.string("b+1")])))]))
        #expect(try callEncodingBuiltin("urlquery.encode_object", withSet) == .string("a=b%2B1"))
    }

    @Test func decodesObjects() throws {
        // urlbuiltins/decode_object multiple, empty parameter, empty string
        #expect(try callEncodingBuiltin("urlquery.decode_object", .string("a=value_a1&b=value_b&a=value_a2"))
                == JSONReader.parse(#"{"a": ["value_a1", "value_a2"], "b": ["value_b"]}"#))
        #expect(try callEncodingBuiltin("urlquery.decode_object", .string("a=value_a1&b"))
                == JSONReader.parse(#"{"a": ["value_a1"], "b": [""]}"#))
        #expect(try callEncodingBuiltin("urlquery.decode_object", .string("")) == .emptyObject)
    }
}

@Suite struct JSONBuiltinTests {
    static let largeIntegers = Value.array([.int(1_234_567_890), .int(2_000_000), .int(1_000_000_000)])

    @Test func marshal() throws {
        // jsonbuiltins/marshal, marshal large integers
        let value = Value.array([.object(ObjectValue([(.string("foo"), .set(SetValue([.int(1), .int(2), .int(3)])))]))])
        #expect(try callEncodingBuiltin("json.marshal", value) == .string(#"[{"foo":[1,2,3]}]"#))
        #expect(try callEncodingBuiltin("json.marshal", Self.largeIntegers) == .string("[1234567890,2000000,1000000000]"))
        #expect(try callEncodingBuiltin("json.marshal", .string("<\u{08}\u{0C}\u{01}>"))
                == .string(#""\u003c\b\f\u0001\u003e""#))
        let nonStringKeys = Value.object(ObjectValue([(.int(1), .string("a")), (.string("0"), .string("b"))]))
        #expect(try callEncodingBuiltin("json.marshal", nonStringKeys) == .string(#"{"0":"b","1":"a"}"#))
    }

    @Test func marshalWithOptions() throws {
        let value = Self.largeIntegers
        // jsonbuiltins/marshal_with_options-explicit-indent
        #expect(try callEncodingBuiltin("json.marshal_with_options", value, JSONReader.parse(#"{"indent": "  "}"#))
                == .string("[\n  1234567890,\n  2000000,\n  1000000000\n]"))
        // jsonbuiltins/marshal_with_options-empty-object
        #expect(try callEncodingBuiltin("json.marshal_with_options", value, .emptyObject)
                == .string("[1234567890,2000000,1000000000]"))
        // jsonbuiltins/marshal_with_options-defaults
        #expect(try callEncodingBuiltin("json.marshal_with_options", value, JSONReader.parse(#"{"pretty": true}"#))
                == .string("[\n\t1234567890,\n\t2000000,\n\t1000000000\n]"))
        // jsonbuiltins/marshal_with_options-explicit-disable
        let disabled = try JSONReader.parse(#"{"pretty": false, "prefix": "NO!", "indent": "BAD!"}"#)
        #expect(try callEncodingBuiltin("json.marshal_with_options", value, disabled)
                == .string("[1234567890,2000000,1000000000]"))
        // jsonbuiltins/marshal_with_options-prefix
        let prefix = try JSONReader.parse(#"{"prefix": "JSON => "}"#)
        #expect(try callEncodingBuiltin("json.marshal_with_options", value, prefix)
                == .string("JSON => [\nJSON => \t1234567890,\nJSON => \t2000000,\nJSON => \t1000000000\nJSON => ]"))
        // jsonbuiltins/marshal_with_options-object
        #expect(try callEncodingBuiltin("json.marshal_with_options", JSONReader.parse(#"{"foo": "bar", "bar": "baz"}"#),
                                        prefix)
                == .string("JSON => {\nJSON => \t\"bar\": \"baz\",\nJSON => \t\"foo\": \"bar\"\nJSON => }"))
        // jsonbuiltins/marshal_with_options-empty-array
        #expect(try callEncodingBuiltin("json.marshal_with_options", .array([]),
                                        JSONReader.parse(#"{"indent": "    ", "prefix": "---"}"#)) == .string("---[]"))
        // jsonbuiltins/marshal_with_options-deep-array
        let deep = try JSONReader.parse("[[[[[[[]]]]]]]")
        let expected = "[\n    [\n        [\n            [\n                [\n                    [\n"
            + "                        []\n                    ]\n                ]\n            ]\n        ]\n    ]\n]"
        #expect(try callEncodingBuiltin("json.marshal_with_options", deep, JSONReader.parse(#"{"indent": "    "}"#))
                == .string(expected))
    }

    @Test func marshalWithUnknownOption() throws {
        // jsonbuiltins/marshal_with_options-invalid-key
        let options = try JSONReader.parse(#"{"indent": "    ", "include_winning_lottery_numbers": true}"#)
        let error = encodingBuiltinError("json.marshal_with_options", .array([]), options)
        #expect(error?.kind == .type)
        #expect(error?.message.contains(#"object contained unknown key "include_winning_lottery_numbers""#) == true)
    }

    @Test func unmarshalAndValidity() throws {
        // jsonbuiltins/unmarshal, unmarshal-non-string
        #expect(try callEncodingBuiltin("json.unmarshal", .string(#"[{"foo":[1,2,3]}]"#))
                == JSONReader.parse(#"[{"foo":[1,2,3]}]"#))
        let error = encodingBuiltinError("json.unmarshal", .int(1))
        #expect(error?.kind == .type)
        #expect(error?.message == "operand 1 must be string but got number")
        #expect(encodingBuiltinError("json.unmarshal", .string("{"))?.kind == .builtin)
        // jsonbuiltins/json is_valid, json is_valid not string
        #expect(try callEncodingBuiltin("json.is_valid", .string("plainstring")) == .bool(false))
        #expect(try callEncodingBuiltin("json.is_valid", .string("{")) == .bool(false))
        #expect(try callEncodingBuiltin("json.is_valid", .string(#"{"json": "ok"}"#)) == .bool(true))
        #expect(try callEncodingBuiltin("json.is_valid", .int(1)) == .bool(false))
    }
}
