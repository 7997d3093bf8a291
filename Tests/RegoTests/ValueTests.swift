import Testing
@testable import Rego

@Suite struct ValueTests {
    @Test func ordersAcrossTypesAsOPA() {
        let ordered: [Value] = [
            .null, .bool(false), .bool(true), .int(-1), .number(Number(0.5)), .int(2), .string("A"), .string("a"),
            .array([]), .array([.int(1)]), .emptyObject, .emptySet,
        ]
        for (a, b) in zip(ordered, ordered.dropFirst()) {
            #expect(Value.compare(a, b) < 0, "\(a.regoText) < \(b.regoText)")
        }
    }

    @Test func integralDoublesEqualIntegers() {
        #expect(Value.number(Number(1.0)) == .int(1))
        #expect(Value.number(Number(1.0)).hashValue == Value.int(1).hashValue)
    }

    @Test func bigIntegersStayExact() throws {
        let value = try JSONReader.parse("[18446744073709551614, 1208925819614629174706175, 1e20]")
        #expect(value.jsonText == "[18446744073709551614,1208925819614629174706175,100000000000000000000]")
        let n = try #require(Number(text: "9223372036854775807"))
        #expect((n + .int(1)).jsonText == "9223372036854775808")
        #expect((Number(text: "-123456789123456789123")! * .int(-3)).jsonText == "370370367370370367369")
        #expect(Number.divide(Number(text: "28857836529306024611912")!, .int(2))?.jsonText == "14428918264653012305956")
    }

    @Test func jsonRoundTripsStringsAndEscapes() throws {
        let value = try JSONReader.parse(#"{"b":"\u00e9\ud83d\ude00<","a":[true,null,-0.5]}"#)
        #expect(value.jsonText == #"{"a":[true,null,-0.5],"b":"é😀\u003c"}"#)
        #expect(throws: JSONReader.SyntaxError.self) { try JSONReader.parse("{\"a\":}") }
    }
}

@Suite struct HostileSourceTests {
    @Test func deepNestingIsAParseErrorNotACrash() {
        let source = "package p\n\nx := " + String(repeating: "[", count: 100_000) + "1" + String(repeating: "]", count: 100_000)
        #expect(throws: RegoError.self) { try Policy(modules: [("deep.rego", source)]) }
    }

    @Test func recursiveFunctionsStopWithAnError() throws {
        let policy = try Policy(modules: [("r.rego", "package p\n\nf(x) := f(x + 1)\n\ny := f(0)\n")])
        #expect(throws: RegoError.self) { try policy.prepare(query: "x := data.p.y").evaluate(input: nil) }
    }
}
