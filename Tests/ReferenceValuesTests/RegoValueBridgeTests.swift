import HermeticCore
import ReferenceValues
import Rego
import Testing
import TestSupport

@Suite("JSONValue to Rego value, without the text in between")
struct RegoValueBridgeTests {
    @Test("the direct conversion equals reading the serialized text, for random documents and the edge cases")
    func equalsReadingTheText() throws {
        let edges: [JSONValue] = [
            .null, .bool(true), .bool(false), .int(.max), .int(.min), .int(0), .double(0.5), .double(-1e300), .double(1e20),
            .double(2.0), .double(-0.0), .double(123456789.125), .string(""), .string("a\"b\\c\u{01}\u{7F}é😀\n"),
            .array([]), .object([:]), .object(["b": .int(1), "a": .array([.null, .string("x")]), "é": .object(["": .bool(false)])]),
        ]
        var generator = SeededRandom(seed: 7)
        let documents = edges + (0..<300).map { _ in Self.randomValue(depth: 0, &generator) }
        for document in documents {
            #expect(Rego.Value(document) == (try JSONReader.parse(document.serialized())), "\(document.serialized())")
        }
    }

    private static func randomValue(depth: Int, _ generator: inout SeededRandom) -> JSONValue {
        let kind = depth > 3 ? Int.random(in: 0...4, using: &generator) : Int.random(in: 0...6, using: &generator)
        switch kind {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: .min ... .max, using: &generator) >> Int64.random(in: 0...63, using: &generator))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &generator))
        case 4: return .string(String((0..<Int.random(in: 0...8, using: &generator)).map { _ in
            Character(Unicode.Scalar(UInt8.random(in: 0...127, using: &generator)))
        }))
        case 5: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) { members["k\(Int.random(in: 0...9, using: &generator))"] = randomValue(depth: depth + 1, &generator) }
            return .object(members)
        }
    }
}
