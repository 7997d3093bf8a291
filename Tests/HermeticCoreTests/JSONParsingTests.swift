import Foundation
import HermeticCore
import Testing
import TestSupport

@Suite("JSON: the byte parser and the writers")
struct JSONParsingTests {
    /// Every JSON fixture in the repository: the parser gives what Foundation's decoder gives, and writing then
    /// parsing again is the identity.
    @Test("every JSON fixture parses as Foundation's JSONDecoder reads it, and round-trips through serialized()")
    func fixtures() throws {
        let root = Fixtures.url("")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") } ?? []
        #expect(files.count > 20)
        var compared = 0
        for file in files {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            guard let expected = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                #expect(throws: JSONParseError.self, "\(file)") { try JSONValue(parsing: data) }
                continue
            }
            let parsed = try JSONValue(parsing: data)
            #expect(parsed == expected, "\(file)")
            #expect(try JSONValue(parsing: parsed.serialized()) == parsed, "\(file)")
            #expect(try JSONValue(parsing: parsed.serialized(pretty: true)) == parsed, "\(file)")
            #expect(try JSONValue(parsing: parsed.canonicalJSON()) == parsed, "\(file)")
            compared += 1
        }
        #expect(compared > 20)
    }

    @Test("escapes, surrogate pairs, numbers and literals")
    func values() throws {
        let text = #" { "a" : [1, -2, 0, 1.5, -0.25e2, 9223372036854775807, 9223372036854775808, 1E3], "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "t": true, "f": false, "n": null } "#
        let value = try JSONValue(parsing: text)
        #expect(value["a"] == .array([.int(1), .int(-2), .int(0), .double(1.5), .double(-25), .int(Int64.max), .double(9223372036854775808), .double(1000)]))
        #expect(value["s"] == .string("q\"\\/\u{08}\u{0C}\n\r\té😀"))
        #expect(value["t"] == .bool(true) && value["f"] == .bool(false) && value["n"] == .null)
        #expect(try JSONValue(parsing: "\"é😀\"") == .string("é😀"))
        #expect(try JSONValue(parsing: "[]") == .array([]) && JSONValue(parsing: "{}") == .object([:]))
    }

    @Test("malformed input is refused at the offending byte, never trapped on")
    func refusals() throws {
        let cases: [(String, String)] = [
            ("", "end of input"), ("  ", "end of input"), ("{", "expected a string key"), ("[1,", "end of input"), ("[1 2]", "expected ','"),
            ("{\"a\":1,}", "expected a string key"), ("{\"a\" 1}", "expected ':'"), ("tru", "end of input"), ("nul1", "unexpected character"),
            ("01", "leading zero"), ("-", "needs digits"), ("1.", "fraction needs digits"), ("1e", "exponent needs digits"), ("1e999", "out of range"),
            ("\"abc", "unterminated"), ("\"a\nb\"", "control character"), ("\"\\x\"", "unknown escape"), ("\"\\u12x4\"", "four hex digits"),
            ("\"\\ud800\"", "lone high surrogate"), ("\"\\udc00\"", "lone low surrogate"), ("\"\\ud800\\u0041\"", "without its low surrogate"),
            ("{\"k\":1,\"k\":2}", "appears twice"), ("[1] x", "after the document"), ("'a'", "unexpected character"),
        ]
        for (text, reason) in cases {
            let error = #expect(throws: JSONParseError.self, "\(text)") { try JSONValue(parsing: text) }
            #expect(error?.reason.contains(reason) == true, "\(text): \(error?.reason ?? "")")
        }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        #expect(error?.reason.contains("nested deeper than 512") == true)
        #expect(try JSONValue(parsing: String(repeating: "[", count: 512) + String(repeating: "]", count: 512)) != .null)
    }

    @Test("random byte strings and random truncations of a real document never trap")
    func robustness() throws {
        var generator = SystemRandomNumberGenerator()
        let document = Array(#"{"a":[1,2.5,"x\u00e9\ud83d\ude00",{"b":null,"c":[true,false]}],"d":"\\\"\n"}"#.utf8)
        for cut in 0..<document.count {
            _ = try? JSONValue(parsing: document[0..<cut])
        }
        let alphabet = Array("{}[],:\"\\u0123456789abcdefEe.+-tnrlsx \n".utf8) + [0x00, 0x80, 0xC3, 0xFF]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<24, using: &generator)
            let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if let value = try? JSONValue(parsing: bytes) {
                // Writing is a fixed point after one pass (a double with an integral value is written as an integer).
                #expect(try JSONValue(parsing: value.serialized()).serialized() == value.serialized())
            }
        }
    }

    @Test("the writers escape minimally and agree with Foundation's reading of them")
    func writers() throws {
        let value = JSONValue.object(["k\u{01}": .string("a\"b\\c\u{1F}\u{7F}é\n"), "b": .array([.int(-3), .double(0.5), .null])])
        let expected = #"{"b":[-3,0.5,null],"k\u0001":"a\"b\\c\u001f"# + "\u{7F}" + #"é\n"}"#
        #expect(value.serialized() == expected)
        #expect(value.canonicalJSON() == expected)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(value.serialized(pretty: true).utf8)) == value)
    }

    @Test("integers are written as Swift prints them, at every magnitude and at both ends of Int64")
    func integers() throws {
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 1234567890, .max, .min, .max - 1, .min + 1]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 { values.append(Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0...62, using: &generator)) }
        for value in values {
            #expect(JSONValue.int(value).serialized() == String(value))
            #expect(JSONValue.double(Double(value % 1_000_000_000)).serialized() == String(value % 1_000_000_000))
        }
        #expect(JSONValue.array(values.map(JSONValue.int)).serialized() == "[" + values.map(String.init).joined(separator: ",") + "]")
    }
}
