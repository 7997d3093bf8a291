import Testing
@testable import Rego

@Suite struct YAMLBuiltinTests {
    func unmarshal(_ text: String) throws -> Value? {
        try callEncodingBuiltin("yaml.unmarshal", .string(text))
    }

    @Test func validity() throws {
        // jsonbuiltins/yaml is_valid: the documents as the Rego raw strings hold them
        #expect(try callEncodingBuiltin("yaml.is_valid", .string("foo:\n   - qux: bar\n   - baz: 2")) == .bool(true))
        #expect(try callEncodingBuiltin("yaml.is_valid", .string("foo:\n   - qux: bar\n   - baz: {")) == .bool(false))
        #expect(try callEncodingBuiltin("yaml.is_valid", .string(#"{"json": "ok"}"#)) == .bool(true))
        // jsonbuiltins/yaml is_valid not string
        #expect(try callEncodingBuiltin("yaml.is_valid", .int(1)) == .bool(false))
    }

    @Test func unmarshalError() {
        // jsonbuiltins/yaml unmarshal error
        let error = encodingBuiltinError("yaml.unmarshal", .string("[1,2,3"))
        #expect(error?.kind == .builtin)
        #expect(error?.message.hasPrefix("yaml: line 1: did not find") == true)
    }

    @Test func roundTrip() throws {
        // jsonbuiltins/yaml round-trip
        let value = Value.array([.object(ObjectValue([(.string("foo"), .set(SetValue([.int(1), .int(2), .int(3)])))]))])
        let text = try #require(try callEncodingBuiltin("yaml.marshal", value))
        #expect(text == .string("- foo:\n  - 1\n  - 2\n  - 3\n"))
        #expect(try callEncodingBuiltin("yaml.unmarshal", text) == JSONReader.parse(#"[{"foo":[1,2,3]}]"#))
    }

    @Test func roundTripsAwkwardStrings() throws {
        let strings = ["true", "1", "", " lead", "a: b", "- x", "#c", "multi\nline", "null", "0x10", "1e3", "yes",
                       "it's", "\"q\"", "tab\there", "ünï", "[x]", "~"]
        let value = Value.object(ObjectValue(strings.map { (Value.string($0), Value.string($0)) }))
        let text = try #require(try callEncodingBuiltin("yaml.marshal", value))
        #expect(try callEncodingBuiltin("yaml.unmarshal", text) == value)
        let nested = try JSONReader.parse(#"{"a": {"b": [[1, 2], [], {}, {"c": null, "d": [true]}]}, "e": 1.5}"#)
        let nestedText = try #require(try callEncodingBuiltin("yaml.marshal", nested))
        #expect(try callEncodingBuiltin("yaml.unmarshal", nestedText) == nested)
    }

    @Test func readsBlockStructure() throws {
        let text = """
        # a comment
        name: demo   # trailing comment
        count: 3
        ratio: 0.5
        enabled: yes
        nothing: ~
        list:
        - a
        - "b c"
        - 'it''s'
        nested:
          deep:
            - x: 1
              why: [1, 2, {z: 3}]
            -
              - inner
        literal: |
          line one
          line two
        folded: >-
          folded
          text
        """
        let expected = try JSONReader.parse(#"""
        {"name": "demo", "count": 3, "ratio": 0.5, "enabled": true, "nothing": null, "list": ["a", "b c", "it's"],
         "nested": {"deep": [{"x": 1, "why": [1, 2, {"z": 3}]}, ["inner"]]},
         "literal": "line one\nline two\n", "folded": "folded text"}
        """#)
        let actual = try unmarshal(text)
        #expect(actual == expected, "\(actual?.jsonText ?? "undefined")")
    }

    @Test func readsScalarsAndKeys() throws {
        #expect(try unmarshal("") == .null)
        #expect(try unmarshal("hello world") == .string("hello world"))
        #expect(try unmarshal("---\n- 1\n- -2\n- 0x1F\n- 010\n- off\n- 1_000") == JSONReader.parse("[1, -2, 31, 8, false, 1000]"))
        #expect(try unmarshal("1: a\ntrue: b\n\"q k\": c") == JSONReader.parse(#"{"1": "a", "true": "b", "q k": "c"}"#))
        // go-yaml v2 reads YAML 1.1 booleans, so the key `y` becomes "true" in the JSON conversion.
        #expect(try unmarshal("y: 1\nn: 0") == JSONReader.parse(#"{"true": 1, "false": 0}"#))
        #expect(try unmarshal(#"s: "a\tb\u00e9""#) == JSONReader.parse(#"{"s": "a\tbé"}"#))
        #expect(try unmarshal("url: http://x.y/z#frag") == JSONReader.parse(#"{"url": "http://x.y/z#frag"}"#))
        #expect(try unmarshal("a:\n  b\n  c") == JSONReader.parse(#"{"a": "b c"}"#))
        #expect(try unmarshal("flow: [a,\n  b]\nnext: 1") == JSONReader.parse(#"{"flow": ["a", "b"], "next": 1}"#))
    }

    @Test func rejectsMalformedDocuments() {
        for text in ["a: b: c", "a: 1\n- b", "{a: 1", "[1, 2] x", "key: \"open", "a: *ref", "- a\nb: 1"] {
            #expect(encodingBuiltinError("yaml.unmarshal", .string(text))?.kind == .builtin, "\(text)")
        }
    }

    @Test func boundsNestingAndSurvivesGarbage() {
        let deepFlow = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(encodingBuiltinError("yaml.unmarshal", .string(deepFlow))?.kind == .builtin)
        let deepBlock = (0..<300).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n")
        #expect(encodingBuiltinError("yaml.unmarshal", .string(deepBlock))?.kind == .builtin)
        let fragments = ["- ", "a: ", "[", "]", "{", "}", "\"", "'", "|", ">", "#", "\n", "  ", "\t", ":", ",", "x",
                         "\\", "---", "!!str ", "1", "-", "?", "&", "*", "\u{e9}"]
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<12 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text += fragments[Int(seed >> 33) % fragments.count]
            }
            _ = try? callEncodingBuiltin("yaml.unmarshal", .string(text))
            _ = try? callEncodingBuiltin("yaml.is_valid", .string(text))
        }
    }
}
