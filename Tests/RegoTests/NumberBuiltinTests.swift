import Testing
@testable import Rego

private func call(_ name: String, _ args: Value...) throws -> Value? { try invokeBuiltin(name, args) }

private func json(_ text: String) throws -> Value { try JSONReader.parse(text) }

private func number(_ text: String) -> Value {
    Number(text: Substring(text)).map(Value.number) ?? .null
}

private func expectError(_ kind: BuiltinError.Kind, _ message: String, _ body: () throws -> Value?) {
    expectBuiltinError(kind, message, body)
}

@Suite struct NumberBuiltinTests {
    // arithmetic/abs, arithmetic/arity 1 ref dest, ceil/floor cases.
    @Test func roundsAsOPA() throws {
        #expect(try call("abs", .int(-10)) == .int(10))
        #expect(try call("abs", .int(-4)) == .int(4))
        #expect(try call("abs", number("-9223372036854775808")) == number("9223372036854775808"))
        #expect(try call("abs", number("-1.5")) == number("1.5"))
        #expect(try call("ceil", number("1.01")) == .int(2))
        #expect(try call("ceil", number("1.5")) == .int(2))
        #expect(try call("ceil", number("2222.2222222222")) == .int(2223))
        #expect(try call("ceil", .int(1)) == .int(1))
        #expect(try call("ceil", number("-1.99999")) == .int(-1))
        #expect(try call("floor", number("1.01")) == .int(1))
        #expect(try call("floor", number("99.99999")) == .int(99))
        #expect(try call("floor", number("-1.001")) == .int(-2))
        #expect(try call("floor", number("123456789012345678901234567890")) == number("123456789012345678901234567890"))
    }

    // arithmetic/divide+round: 0/1, 1/2, 2/3, 3/4 round to {0, 1}; halves round away from zero.
    @Test func roundHalvesAwayFromZero() throws {
        #expect(try call("round", .int(0)) == .int(0))
        #expect(try call("round", number("0.5")) == .int(1))
        #expect(try call("round", number("0.6666666666666666")) == .int(1))
        #expect(try call("round", number("-2.5")) == .int(-3))
        expectError(.type, "operand 1 must be number but got string") { try call("round", .string("1")) }
    }

    // numbersrange/*.
    @Test func rangesIncludeBothEnds() throws {
        #expect(try call("numbers.range", .int(0), .int(0)) == json("[0]"))
        #expect(try call("numbers.range", .int(-2), .int(3)) == json("[-2,-1,0,1,2,3]"))
        #expect(try call("numbers.range", .int(2), .int(-3)) == json("[2,1,0,-1,-2,-3]"))
        #expect(try call("numbers.range", .int(5), .int(2)) == json("[5,4,3,2]"))
        #expect(
            try call("numbers.range", .int(49_649_733_057), .int(49_649_733_060))
                == json("[49649733057,49649733058,49649733059,49649733060]"))
        #expect(
            try call("numbers.range", number("9223372036854775806"), number("9223372036854775808"))
                == json("[9223372036854775806,9223372036854775807,9223372036854775808]"))
    }

    @Test func rangeErrors() {
        // numbersrange/error: floating-point number pos 1 and pos 2.
        expectError(.type, "operand 1 must be integer number but got floating-point number") {
            try call("numbers.range", number("3.14"), .int(4))
        }
        expectError(.type, "operand 2 must be integer number but got floating-point number") {
            try call("numbers.range", .int(3), number("3.14"))
        }
        expectError(.builtin, "more than 1000000 elements") { try call("numbers.range", .int(1), number("1e12")) }
        expectError(.builtin, "more than 1000000 elements") {
            try call("numbers.range", .int(0), number("100000000000000000000000000000"))
        }
    }

    // numbersrangestep/*.
    @Test func rangeSteps() throws {
        #expect(try call("numbers.range_step", .int(0), .int(10), .int(2)) == json("[0,2,4,6,8,10]"))
        #expect(try call("numbers.range_step", .int(0), .int(-10), .int(2)) == json("[0,-2,-4,-6,-8,-10]"))
        #expect(try call("numbers.range_step", .int(10), .int(3), .int(2)) == json("[10,8,6,4]"))
        #expect(try call("numbers.range_step", .int(1024), .int(4096), .int(1024)) == json("[1024,2048,3072,4096]"))
        #expect(try call("numbers.range_step", .int(2), .int(2), .int(2)) == json("[2]"))
        #expect(try call("numbers.range_step", .int(2), .int(5), .int(2)) == json("[2,4]"))
        #expect(try call("numbers.range_step", .int(0), .int(10), number("99999999999999999999")) == json("[0]"))
        expectError(.builtin, "step must be a positive integer") {
            try call("numbers.range_step", .int(0), .int(10), .int(-2))
        }
        expectError(.builtin, "step must be a positive integer") {
            try call("numbers.range_step", .int(0), .int(10), .int(0))
        }
        expectError(.builtin, "more than") { try call("numbers.range_step", .int(0), number("1e15"), .int(1)) }
    }

    // bitsand/bitsor/bitsxor/bitsnegate basic cases.
    @Test func bitwiseOperations() throws {
        #expect(try call("bits.and", .int(7), .int(9)) == .int(1))
        #expect(try call("bits.and", .int(50), .int(0)) == .int(0))
        #expect(try call("bits.or", .int(7), .int(9)) == .int(15))
        #expect(try call("bits.or", .int(50), .int(0)) == .int(50))
        #expect(try call("bits.xor", .int(42), .int(3)) == .int(41))
        #expect(try call("bits.xor", .int(42), .int(42)) == .int(0))
        #expect(try call("bits.negate", .int(42)) == .int(-43))
        #expect(try call("bits.negate", .int(-1)) == .int(0))
        // Kata's genpolicy: bits.and(raw_flags, bits.negate(p_flags)) == 0, bits.or(flags, 136) == 136.
        let negated = try #require(try call("bits.negate", .int(0x1043)))
        #expect(try call("bits.and", .int(0x1003), negated) == .int(0))
        #expect(try call("bits.or", .int(128), .int(136)) == .int(136))
    }

    @Test func bitwiseOperationsOnNegativeAndBigIntegers() throws {
        #expect(try call("bits.and", .int(-8), .int(13)) == .int(8))
        #expect(try call("bits.or", .int(-8), .int(3)) == .int(-5))
        #expect(try call("bits.xor", .int(-1), .int(5)) == .int(-6))
        let big = number("18446744073709551615")  // 2^64 - 1
        #expect(try call("bits.and", big, .int(-2)) == number("18446744073709551614"))
        #expect(try call("bits.or", number("18446744073709551616"), .int(1)) == number("18446744073709551617"))
        #expect(try call("bits.xor", big, big) == .int(0))
        #expect(try call("bits.negate", number("-9223372036854775808")) == number("9223372036854775807"))
        #expect(try call("bits.negate", number("9223372036854775807")) == number("-9223372036854775808"))
        #expect(try call("bits.and", number("-18446744073709551616"), number("-1")) == number("-18446744073709551616"))
    }

    // bitsshiftleft/*, bitsshiftright/*.
    @Test func shifts() throws {
        #expect(try call("bits.lsh", .int(1), .int(3)) == .int(8))
        #expect(try call("bits.lsh", .int(2_147_483_647), .int(1)) == .int(4_294_967_294))
        #expect(try call("bits.lsh", number("9223372036854775807"), .int(1)) == number("18446744073709551614"))
        #expect(try call("bits.lsh", .int(-3), .int(2)) == .int(-12))
        #expect(try call("bits.rsh", .int(8), .int(3)) == .int(1))
        #expect(try call("bits.rsh", .int(-7), .int(1)) == .int(-4))
        #expect(try call("bits.rsh", .int(-1), .int(100)) == .int(-1))
        #expect(try call("bits.rsh", .int(5), number("100000000000000000000")) == .int(0))
        #expect(try call("bits.rsh", number("18446744073709551614"), .int(1)) == number("9223372036854775807"))
        #expect(try call("bits.rsh", number("-18446744073709551617"), .int(64)) == .int(-2))
    }

    @Test func bitErrors() {
        for name in ["bits.and", "bits.or", "bits.xor", "bits.lsh", "bits.rsh"] {
            expectError(.type, "operand 1 must be integer number but got floating-point number") {
                try call(name, number("7.2"), .int(42))
            }
        }
        expectError(.type, "operand 1 must be integer number but got floating-point number") {
            try call("bits.negate", number("7.2"))
        }
        expectError(.type, "operand 2 must be an unsigned integer number but got a negative integer") {
            try call("bits.lsh", .int(7), .int(-1))
        }
        expectError(.type, "operand 2 must be an unsigned integer number but got a negative integer") {
            try call("bits.rsh", .int(7), .int(-1))
        }
        expectError(.type, "operand 2 must be number but got string") { try call("bits.and", .int(1), .string("1")) }
        expectError(.builtin, "exceeds the limit") { try call("bits.lsh", .int(1), number("1000000000000")) }
    }
}
