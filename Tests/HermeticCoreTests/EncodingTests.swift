import Foundation
import HermeticCore
import Testing

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
