import Testing
@testable import Rego

private func call(_ name: String, _ args: Value...) throws -> Value? { try invokeBuiltin(name, args) }

private func number(_ text: String) -> Value {
    Number(text: Substring(text)).map(Value.number) ?? .null
}

private func expectError(_ kind: BuiltinError.Kind, _ message: String, _ body: () throws -> Value?) {
    expectBuiltinError(kind, message, body)
}

@Suite struct TypeBuiltinTests {
    private let samples: [Value] = [
        .null, .bool(false), .int(0), number("-42.0"), number("100.1"), .string("Hello"), .array([.int(1)]),
        .object(ObjectValue([(.string("foo"), .int(1))])), .set(SetValue([.int(1), .int(2)])),
    ]

    // typebuiltin/*: each test is true for its own type and false (not undefined) for every other.
    @Test(arguments: [
        ("is_null", "null"), ("is_boolean", "boolean"), ("is_number", "number"), ("is_string", "string"),
        ("is_array", "array"), ("is_object", "object"), ("is_set", "set"),
    ])
    func typeTests(name: String, typeName: String) throws {
        for sample in samples {
            #expect(try call(name, sample) == .bool(sample.typeName == typeName), "\(name)(\(sample.regoText))")
        }
    }

    // typenamebuiltin/*.
    @Test func typeNames() throws {
        let names = try samples.map { try call("type_name", $0) }
        #expect(names == ["null", "boolean", "number", "number", "number", "string", "array", "object", "set"].map {
            Value.string($0)
        })
    }

    // casts/to_number: "-42.0", false, 100.1, null, true give -42, 0, 100.1, 0, 1.
    @Test func castsToNumbers() throws {
        #expect(try call("to_number", .string("-42.0")) == .int(-42))
        #expect(try call("to_number", .bool(false)) == .int(0))
        #expect(try call("to_number", number("100.1")) == number("100.1"))
        #expect(try call("to_number", .null) == .int(0))
        #expect(try call("to_number", .bool(true)) == .int(1))
        #expect(try call("to_number", .string("3")) == .int(3))
        #expect(try call("to_number", .string("-1")) == .int(-1))
        #expect(try call("to_number", .string("1e3")) == .int(1000))
        #expect(try call("to_number", .string("-1.5")) == number("-1.5"))
        #expect(try call("to_number", .string("+7")) == .int(7))
        #expect(try call("to_number", .string(".5")) == number("0.5"))
        #expect(try call("to_number", .string("5.")) == .int(5))
        #expect(try call("to_number", .string("007")) == .int(7))
        #expect(
            try call("to_number", .string("123456789012345678901234567890"))
                == number("123456789012345678901234567890"))
        // Kata's genpolicy is_ip: to_number of each dotted component.
        #expect(try call("to_number", .string("255")) == .int(255))
    }

    @Test func rejectsWhatIsNotANumber() {
        // casts/to_number: bad input.
        expectError(.builtin, "invalid syntax") { try call("to_number", .string("broken")) }
        for text in ["", "-", ".", "1e", "1e+", "0x10", "1_000", " 1", "1 ", "1.2.3"] {
            expectError(.builtin, "invalid syntax") { try call("to_number", .string(text)) }
        }
        // casts/to_number: nan, inf, -inf, Infinity, -Infinity, -nan, -NaN, iNf input.
        for text in ["nan", "inf", "-inf", "Infinity", "-Infinity", "-nan", "-NaN", "iNf", "+Inf"] {
            expectError(.type, "operand 1") { try call("to_number", .string(text)) }
        }
        expectError(.builtin, "value out of range") { try call("to_number", .string("1e400")) }
        expectError(.type, "operand 1 must be one of {null, boolean, number, string} but got array") {
            try call("to_number", .array([]))
        }
    }
}
