import Foundation
import Crypto
import HermeticCore
import Testing
import TestSupport

@Suite("Encodings")
struct EncodingTests {
    @Test("hex encodes lowercase and decodes either case, refusing odd lengths and stray characters")
    func hex() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode(" 0x0102\n") == [1, 2])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("") == [])
    }

    @Test("base64 reads both alphabets with or without padding")
    func base64() {
        #expect(Base64.decode("AAEC") == [0, 1, 2])
        #expect(Base64.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64.decode("+/8=") == [0xFB, 0xFF])
        #expect(Base64.decode("A") == nil)
        #expect(Base64.decode("AA=A") == nil)
        #expect(Base64.encodeURL([0xFB, 0xFF]) == "-_8")
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
    }

    @Test("base64 decoding agrees with Foundation's on seeded random text: valid, non-canonical, padded and junk")
    func base64AgreesWithFoundation() {
        /// The previous decoder: normalise to the standard alphabet, re-pad, Foundation.
        func reference(_ text: String) -> [UInt8]? {
            var normalized: [UInt8] = text.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0 }
            let padding = UInt8(ascii: "=")
            guard !normalized.contains(padding) || normalized.last == padding else { return nil }
            while normalized.last == padding { normalized.removeLast() }
            guard normalized.count % 4 != 1 else { return nil }
            normalized += repeatElement(padding, count: (4 - normalized.count % 4) % 4)
            return Data(base64Encoded: Data(normalized)).map { [UInt8]($0) }
        }
        var random = SeededRandom(seed: 64)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
        for round in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encodeURL(bytes)) == bytes)
            var text = String((0..<Int.random(in: 0..<24, using: &random)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
            switch round % 5 {
            case 1: text += String(repeating: "=", count: Int.random(in: 1...3, using: &random))
            case 2: text.insert("=", at: text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &random)))
            case 3: text.insert(["*", " ", "\n", "é", "."][Int.random(in: 0..<5, using: &random)], at: text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &random)))
            default: break
            }
            #expect(Base64.decode(text) == reference(text), "\(text)")
        }
    }

    @Test("constant-time equality")
    func constantTime() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    }

    @Test("expected data is zero-padded or truncated to the field")
    func expectedData() {
        #expect(ExpectedData.value([1, 2]).fitted(to: 4) == [1, 2, 0, 0])
        #expect(ExpectedData.value([1, 2, 3, 4, 5]).fitted(to: 4) == [1, 2, 3, 4])
        #expect(ExpectedData.notProvided.fitted(to: 4) == nil)
    }

    @Test("JSON serialises with sorted keys and escapes")
    func json() throws {
        let value: JSONValue = .object(["b": .int(1), "a": .array([.bool(true), .null, .string("x\"\n\u{01}")]), "c": .double(1.5)])
        #expect(value.serialized() == #"{"a":[true,null,"x\"\n\u0001"],"b":1,"c":1.5}"#)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(value.serialized().utf8))
        #expect(decoded == value)
    }

    @Test("TEE names, with the old Azure spellings")
    func teeNames() {
        #expect(TEE(name: "snp") == .snp)
        #expect(TEE(name: "azsnpvtpm") == .azSNPvTPM)
        #expect(TEE(name: "az-tdx-vtpm") == .azTDXvTPM)
        #expect(TEE(name: "sev") == nil)
    }
}

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    @Test("Trustee's runtime-data vectors hash to the documented SHA-384 digests")
    func trusteeVectors() throws {
        let simple: JSONValue = .object(["c": .object(["d": .string("e")]), "b": .int(1), "a": .string("test")])
        #expect(simple.canonicalJSON() == #"{"a":"test","b":1,"c":{"d":"e"}}"#)
        #expect(Hex.encode(Array(SHA384.hash(data: Array(simple.canonicalJSON().utf8)))) ==
            "e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c4597480a186427c813ca941da78870c3")
        let runtime: JSONValue = .object([
            "tee-pubkey": .object(["y": .string("BBBB"), "x": .string("AAAA"), "kty": .string("EC"), "crv": .string("P-256"), "alg": .string("ECDH-ES+A256KW")]),
            "nonce": .string("bm9uY2U="), "additional-evidence": .string(""),
        ])
        #expect(Hex.encode(Array(SHA384.hash(data: Array(runtime.canonicalJSON().utf8)))) ==
            "d20490d30e5f16cba693abc1ca3c31ed977d2722d0adf01a980972d16913dc38f103c1f12abf477df0523af2b12e4b43")
    }

    @Test("RFC 8785 §3.2.2: sorting by UTF-16 code units, escapes, ECMAScript numbers")
    func rfcRules() {
        // RFC 8785 §3.2.3 sorting example: keys given by their UTF-16 order.
        let keys: [String] = ["\u{20AC}", "\r", "\u{FB33}", "1", "\u{1F600}", "\u{0080}", "\u{00F6}"]
        let object = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.null) }))
        let sorted = ["\r", "1", "\u{0080}", "\u{00F6}", "\u{20AC}", "\u{1F600}", "\u{FB33}"]
        #expect(object.canonicalJSON() == "{" + sorted.map { JSONValue.string($0).serialized() + ":null" }.joined(separator: ",") + "}")
        #expect(JSONValue.string("\u{0F}\n\"\\/é").canonicalJSON() == #""\u000f\n\"\\/é""#)
        // RFC 8785 Appendix B number samples.
        let samples: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"), (1e-6, "0.000001"),
            (123456789012345680000, "123456789012345680000"), (4.5, "4.5"), (0.002, "0.002"), (-5e-324, "-5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (333333333.3333333, "333333333.3333333"), (9007199254740992, "9007199254740992"),
        ]
        for (value, text) in samples {
            #expect(JSONValue.double(value).canonicalJSON() == text, "\(value)")
        }
        #expect(JSONValue.array([.int(1), .bool(true), .null]).canonicalJSON() == "[1,true,null]")
    }
}
