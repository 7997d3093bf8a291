import Testing
@testable import Rego

/// A test operand from a Swift literal: `String`, `Int`, `Double`, `Bool`, or a `Value` as it is.
func stringTestValue(_ literal: Any) -> Value {
    switch literal {
    case let value as Value: return value
    case let text as String: return .string(text)
    case let integer as Int: return .int(integer)
    case let double as Double: return .number(Number(double))
    case let bool as Bool: return .bool(bool)
    default: return .null
    }
}

/// Calls the standard builtin `name` directly.
func callStringBuiltin(_ name: String, _ args: Any...) throws -> Value? {
    try invokeBuiltin(name, args.map(stringTestValue))
}

/// The error a string builtin call throws, if any.
func stringBuiltinError(_ name: String, _ args: Any...) -> BuiltinError? { builtinError(name, args.map(stringTestValue)) }

private func json(_ text: String) throws -> Value { try JSONReader.parse(text) }

private func bigValue(_ digits: String) -> Value { .number(Number(BigInt(decimal: Substring(digits)) ?? BigInt(0))) }

@Suite struct StringBuiltinTests {
    @Test func concatJoinsArraysAndSets() throws {
        // strings/concat
        let parts = try json(#"["", "foo", "bar", "0", "baz"]"#)
        #expect(try callStringBuiltin("concat", "/", parts) == .string("/foo/bar/0/baz"))
        // strings/concat: set
        let set = Value.set(SetValue([.string("1"), .string("2"), .string("3")]))
        #expect(try callStringBuiltin("concat", ",", set) == .string("1,2,3"))
        let error = stringBuiltinError("concat", "/", try json("[1]"))
        #expect(error?.message == "operand 2 must be array of strings but got array containing number")
        #expect(stringBuiltinError("concat", "/", 1)?.kind == .type)
    }

    @Test func searching() throws {
        // strings/contains, strings/startswith, strings/endswith (+ undefined variants)
        #expect(try callStringBuiltin("contains", "abcdefgh", "defg") == .bool(true))
        #expect(try callStringBuiltin("contains", "abcdefgh", "ac") == .bool(false))
        #expect(try callStringBuiltin("startswith", "abcdefgh", "abcd") == .bool(true))
        #expect(try callStringBuiltin("startswith", "abcdefgh", "bcd") == .bool(false))
        #expect(try callStringBuiltin("endswith", "abcdefgh", "fgh") == .bool(true))
        #expect(try callStringBuiltin("endswith", "abcdefgh", "fg") == .bool(false))
    }

    @Test func indexofCountsCodePoints() throws {
        // strings/indexof, strings/indexof: not found, strings/indexof: unicode …
        #expect(try callStringBuiltin("indexof", "abcdefgh", "cde") == .int(2))
        #expect(try callStringBuiltin("indexof", "abcabcabcdefgh", "cde") == .int(8))
        #expect(try callStringBuiltin("indexof", "abcdefgh", "xyz") == .int(-1))
        #expect(try callStringBuiltin("indexof", "μx", "x") == .int(1))
        #expect(try callStringBuiltin("indexof", "μ", "μμ") == .int(-1))
        #expect(try callStringBuiltin("indexof", "skön var våren", "vår") == .int(9))
        #expect(try callStringBuiltin("indexof", "🍧🍨🧁🍰🍮", "🍮") == .int(4))
        #expect(try callStringBuiltin("indexof", "🍧🍨🧁🍰🍮", "🍧🍨🧁🍰🍮") == .int(0))
        // strings/indexof_n_*
        #expect(try callStringBuiltin("indexof_n", "dogcat", "cat") == json("[3]"))
        #expect(try callStringBuiltin("indexof_n", "dogcatdogcat", "cat") == json("[3, 9]"))
        #expect(try callStringBuiltin("indexof_n", "dogcat", "rabbit") == json("[]"))
        #expect(try callStringBuiltin("indexof_n", "😇😀😇😀😇😀", "😀") == json("[1, 3, 5]"))
        #expect(try callStringBuiltin("indexof_n", "😇😀😇😀😇😀", "😂") == json("[]"))
    }

    @Test func countIsNonOverlapping() throws {
        // strings/count_*
        #expect(try callStringBuiltin("strings.count", "cheese", "e") == .int(3))
        #expect(try callStringBuiltin("strings.count", "hello hello hello world", "hello") == .int(3))
        #expect(try callStringBuiltin("strings.count", "dummy", "x") == .int(0))
        #expect(try callStringBuiltin("strings.count", "dummy", "") == .int(6))
        #expect(try callStringBuiltin("strings.count", "", "") == .int(1))
        #expect(try callStringBuiltin("strings.count", "", "x") == .int(0))
        #expect(try callStringBuiltin("strings.count", "11111", "11") == .int(2))
        #expect(try callStringBuiltin("strings.count", "11111", "11111") == .int(1))
    }

    @Test func substringCountsCodePoints() throws {
        #expect(try callStringBuiltin("substring", "abcdefgh", 2, 3) == .string("cde"))
        #expect(try callStringBuiltin("substring", "åäö", 0, 2) == .string("åä"))
        #expect(try callStringBuiltin("substring", "abcdefgh", 2, -1) == .string("cdefgh"))
        #expect(try callStringBuiltin("substring", "aåäö", 2, -1) == .string("äö"))
        #expect(try callStringBuiltin("substring", "abcdefgh", 2, 10000) == .string("cdefgh"))
        #expect(try callStringBuiltin("substring", "abcdefghåäö", 2, 10000) == .string("cdefghåäö"))
        #expect(try callStringBuiltin("substring", "aaa", 3, -1) == .string(""))
        #expect(try callStringBuiltin("substring", "åäö", 4, -1) == .string(""))
        // strings/substring: offset negative
        let error = stringBuiltinError("substring", "aaa", -1, -1)
        #expect(error == BuiltinError.failure("negative offset"))
    }

    @Test func caseSplitReplace() throws {
        #expect(try callStringBuiltin("lower", "AbCdEf") == .string("abcdef"))
        #expect(try callStringBuiltin("upper", "AbCdEf") == .string("ABCDEF"))
        // strings/split: empty text string, empty delim string, empty text and delim string, many
        #expect(try callStringBuiltin("split", "", ".") == json(#"[""]"#))
        #expect(try callStringBuiltin("split", "test", "") == json(#"["t", "e", "s", "t"]"#))
        #expect(try callStringBuiltin("split", "", "") == json("[]"))
        #expect(try callStringBuiltin("split", "foo.bar.baz", ".") == json(#"["foo", "bar", "baz"]"#))
        #expect(try callStringBuiltin("split", "a..b", ".") == json(#"["a", "", "b"]"#))
        // strings/replace: empty string, many, overlap
        #expect(try callStringBuiltin("replace", "", "hi", "bye") == .string(""))
        #expect(try callStringBuiltin("replace", "foo.bar.baz", ".", ",") == .string("foo,bar,baz"))
        #expect(try callStringBuiltin("replace", "foo...bar", "..", ",,") == .string("foo,,.bar"))
        #expect(try callStringBuiltin("replace", "ab", "", "-") == .string("-a-b-"))
    }

    @Test func replaceN() throws {
        // replacen/replace multiple patterns
        let html = try json(#"{"<": "&lt;", ">": "&gt;"}"#)
        #expect(try callStringBuiltin("strings.replace_n", html, "This is <b>HTML</b>!")
            == .string("This is &lt;b&gt;HTML&lt;/b&gt;!"))
        // replacen/replace multiple patterns/overlapping: sorted keys, the first that matches wins
        let overlapping = try json(#"{"f": "x", "foo": "xxx"}"#)
        #expect(try callStringBuiltin("strings.replace_n", overlapping, "foobar") == .string("xoobar"))
        let absent = try json(#"{"old1": "new1"}"#)
        #expect(try callStringBuiltin("strings.replace_n", absent, "no match") == .string("no match"))
        // replacen/bad pattern object operand/*
        let numberKey = Value.object(ObjectValue([(Value.int(2), Value.string("x"))]))
        let key = stringBuiltinError("strings.replace_n", numberKey, "foo")
        #expect(key == BuiltinError(kind: .type, message: "operand 1 non-string key found in pattern object"))
        let value = stringBuiltinError("strings.replace_n", try json(#"{"f": 100}"#), "foo")
        #expect(value == BuiltinError(kind: .type, message: "operand 1 non-string value found in pattern object"))
        let text = stringBuiltinError("strings.replace_n", try json(#"{"foo": "baz"}"#), 100)
        #expect(text?.message == "operand 2 must be string but got number")
    }

    @Test func reverseByCodePoints() throws {
        #expect(try callStringBuiltin("strings.reverse", "bar") == .string("rab"))
        // strings/reverse_unicode_multi_char_emojii: code points, not grapheme clusters
        #expect(try callStringBuiltin("strings.reverse", "2\u{FE0F}\u{20E3}") == .string("\u{20E3}\u{FE0F}2"))
        #expect(try callStringBuiltin("strings.reverse", "1😀𝛾") == .string("𝛾😀1"))
        #expect(try callStringBuiltin("strings.reverse", "") == .string(""))
        #expect(stringBuiltinError("strings.reverse", 123)?.message == "operand 1 must be string but got number")
    }

    @Test func trimming() throws {
        #expect(try callStringBuiltin("trim", "", ".") == .string(""))
        #expect(try callStringBuiltin("trim", "...foo.bar...", ".") == .string("foo.bar"))
        #expect(try callStringBuiltin("trim", "...foo.bar...", ".fr") == .string("oo.ba"))
        #expect(try callStringBuiltin("trim", "...foo.bar...", ".o") == .string("foo.bar"))
        #expect(try callStringBuiltin("trim", "¡¡¡foo, bar!!!", "!¡") == .string("foo, bar"))
        #expect(try callStringBuiltin("trim", "¡¡¡foo, bar!!!", "i") == .string("¡¡¡foo, bar!!!"))
        #expect(try callStringBuiltin("trim_left", "¡¡¡foo, bar!!!", "!¡") == .string("foo, bar!!!"))
        #expect(try callStringBuiltin("trim_left", "!!!foo, bar¡¡¡", "¡") == .string("!!!foo, bar¡¡¡"))
        #expect(try callStringBuiltin("trim_right", "¡¡¡foo, bar!!!", "!¡") == .string("¡¡¡foo, bar"))
        #expect(try callStringBuiltin("trim_right", "!!!foo, bar¡¡¡", "!") == .string("!!!foo, bar¡¡¡"))
        #expect(try callStringBuiltin("trim_prefix", "¡¡¡foo, bar!!!", "¡¡¡foo") == .string(", bar!!!"))
        #expect(try callStringBuiltin("trim_prefix", "¡¡¡foo, bar!!!", "¡¡¡bar") == .string("¡¡¡foo, bar!!!"))
        #expect(try callStringBuiltin("trim_suffix", "¡¡¡foo, bar!!!", ", bar!!!") == .string("¡¡¡foo"))
        #expect(try callStringBuiltin("trim_suffix", "¡¡¡foo, bar!!!", ", foo!!!") == .string("¡¡¡foo, bar!!!"))
        #expect(try callStringBuiltin("trim_space", " \t\n foo, bar \n\t\r\n") == .string("foo, bar"))
        #expect(try callStringBuiltin("trim_space", "foo, bar") == .string("foo, bar"))
    }

    @Test func anyPrefixAndSuffixMatch() throws {
        let strings = try json(#"["a/b/c", "a/b/d", "e/f/g"]"#)
        #expect(try callStringBuiltin("strings.any_prefix_match", strings, json(#"["a/", "d/"]"#)) == .bool(true))
        #expect(try callStringBuiltin("strings.any_prefix_match", strings, json(#"["f/", "d/"]"#)) == .bool(false))
        #expect(try callStringBuiltin("strings.any_prefix_match", strings, "a/") == .bool(true))
        #expect(try callStringBuiltin("strings.any_prefix_match", "a/b/c", json("[]")) == .bool(false))
        let set = Value.set(SetValue([.string("a/b/c"), .string("e/f/g")]))
        let suffixes = Value.set(SetValue([.string("/c")]))
        #expect(try callStringBuiltin("strings.any_suffix_match", set, suffixes) == .bool(true))
        #expect(try callStringBuiltin("strings.any_suffix_match", strings, "/h") == .bool(false))
        // strings/any_prefix_match/type_error_strict
        #expect(stringBuiltinError("strings.any_prefix_match", try json("[1, 2, 3]"), "f/")?.message
            == "operand 1 must be array of strings but got array containing number")
        #expect(stringBuiltinError("strings.any_prefix_match", 1, "f/")?.message
            == "operand 1 must be one of {string, set, array} but got number")
        #expect(stringBuiltinError("strings.any_suffix_match", strings, try json("[1, 2]"))?.message
            == "operand 2 must be array of strings but got array containing number")
        #expect(stringBuiltinError("strings.any_suffix_match", strings, 1)?.kind == .type)
    }

    @Test func formatInt() throws {
        // strings/format_int: the number is truncated
        #expect(try callStringBuiltin("format_int", 15.5, 16) == .string("f"))
        #expect(try callStringBuiltin("format_int", 3.1, 10) == .string("3"))
        #expect(try callStringBuiltin("format_int", -15.5, 16) == .string("-f"))
        #expect(try callStringBuiltin("format_int", 5, 2) == .string("101"))
        #expect(try callStringBuiltin("format_int", json("123456789123456789123"), 16) == .string("6b14e9f9b0df36a83"))
        // strings/format_int: err: bad base
        #expect(stringBuiltinError("format_int", 4.1, 199)
            == BuiltinError(kind: .type, message: "operand 2 must be one of {2, 8, 10, 16}"))
    }
}


@Suite struct SprintfBuiltinTests {
    private func sprintf(_ format: String, _ values: String) throws -> Value? {
        try callStringBuiltin("sprintf", format, JSONReader.parse(values))
    }

    @Test func conformanceCases() throws {
        // strings/sprintf: none, string, int, hex, float, bool, composite
        #expect(try sprintf("hi", "[]") == .string("hi"))
        #expect(try sprintf("hi %s", #"["there"]"#) == .string("hi there"))
        #expect(try sprintf("hi %02d", "[5]") == .string("hi 05"))
        #expect(try sprintf("hi %02X.%02X", "[127, 1]") == .string("hi 7F.01"))
        #expect(try sprintf("hi %.2f", "[3.1415]") == .string("hi 3.14"))
        #expect(try sprintf("hi %s", "[true]") == .string("hi true"))
        #expect(try sprintf("hi %v", #"[["there", 5, 3.14]]"#) == .string(#"hi ["there", 5, 3.14]"#))
        // strings/sprintf: float too big (OPA keeps the literal text of a number beyond float64 range)
        let huge = Number(BigInt(2) * UnitAmount.powerOfTen(308))
        #expect(try callStringBuiltin("sprintf", "hi %v", Value.array([.number(huge)])) == .string("hi 2e308"))
        // sprintf/big_int, sprintf/big_int/max_cert_serial_number
        #expect(try sprintf("%s", "[123456789123456789123]") == .string("123456789123456789123"))
        #expect(try sprintf("%s", "[1208925819614629174706175]") == .string("1208925819614629174706175"))
    }

    @Test func goVerbsAndFlags() throws {
        let integers = "[-42, 42, 42, -42, 7, 255, 255, 8, 5, 65, 97, 65]"
        #expect(try sprintf("%d|%5d|%-5d|%05d|%+d|%x|%#x|%o|%b|%c|%q|%U", integers)
            == .string("-42|   42|42   |-0042|+7|ff|0xff|10|101|A|'a'|U+0041"))
        let decimals = "[7, 3.14159, 2.5, -3.14159, 1234.5678, 0.5, 0.000012]"
        #expect(try sprintf("%.3d|%8.3f|%-8.2f|%08.3f|%e|%E|%g", decimals)
            == .string("007|   3.142|2.50    |-003.142|1.234568e+03|5.000000E-01|1.2e-05"))
        #expect(try sprintf("%v %v %v %v", "[1.5, 1234567.5, 0.0001, 100000.5]")
            == .string("1.5 1.2345675e+06 0.0001 100000.5"))
        #expect(try sprintf("%q|%x|% x|%.2s|%6s|%-6s|", #"["a\"b\n", "hi", "hi", "héllo", "ab", "ab"]"#)
            == .string(#""a\"b\n"|6869|68 69|hé|    ab|ab    |"#))
        #expect(try sprintf("%v %v %v", #"[null, {"a": [1, {"b": "<c>"}]}, "x"]"#)
            == .string(#"null {"a": [1, {"b": "<c>"}]} x"#))
        #expect(try sprintf("%v %v", "[]") == .string("%!v(MISSING) %!v(MISSING)"))
        let sets = Value.array([.set(SetValue()), .set(SetValue([.int(1), .int(2)]))])
        #expect(try callStringBuiltin("sprintf", "%v", Value.array([sets]))
            == .string("[set(), {1, 2}]"))
        #expect(try sprintf("%d %s", #"["x", 5]"#) == .string("%!d(string=x) %!s(int=5)"))
        #expect(try sprintf("%d", "[1, 2]") == .string("1%!(EXTRA int=2)"))
        #expect(try sprintf("100%% %[2]d %[1]d", "[1, 2]") == .string("100% 2 1"))
        #expect(try sprintf("%!", "[]") == .string("%!!(MISSING)"))
        #expect(try sprintf("%*d|%.*f", "[4, 7, 1, 2.25]") == .string("   7|2.2"))
        #expect(try sprintf("%x %d %08d", "[123456789123456789123, -123456789123456789123, 123456789123456789123]")
            == .string("6b14e9f9b0df36a83 -123456789123456789123 123456789123456789123"))
        #expect(try sprintf("%f", "[123456789123456789123]") == .string("%!f(big.Int=123456789123456789123)"))
        #expect(try sprintf("%", "[]") == .string("%!(NOVERB)"))
        #expect(try sprintf("%t", "[true]") == .string("%!t(string=true)"))
        // %+v and %#v are Go's struct-field and Go-syntax forms: no sign, and strings quoted
        #expect(try sprintf("%+v %#v %#v", #"[5, "a", 7]"#) == .string(#"5 "a" 7"#))
    }
}

@Suite struct UnitsBuiltinTests {
    private func parse(_ text: String) throws -> Value? { try callStringBuiltin("units.parse", text) }
    private func parseBytes(_ text: String) throws -> Value? { try callStringBuiltin("units.parse_bytes", text) }

    @Test func parseExactly() throws {
        // units_parse/exact comparison - regression cases 1-3
        #expect(try parse("500m") == .number(Number(0.5)))
        #expect(try parse("0.0005K") == .number(Number(0.5)))
        #expect(try parse("0.0000005M") == .number(Number(0.5)))
        #expect(try parse("1.1Ki") == .number(Number(1126.4)))
        #expect(try parse("-3.5E2m") == .number(Number(-0.35)))
        #expect(try parse("7.8E-1") == .number(Number(0.78)))
        #expect(try parse("1e-2") == .number(Number(0.01)))
        // units_parse/no decimal places for integers
        #expect(try parse("1G") == .number(.int(1_000_000_000)))
        #expect(try parse("\"100TI\"") == .int(109_951_162_777_600))
        #expect(try parse("10e") == bigValue("10000000000000000000"))
        #expect(try parse("10Ei") == bigValue("11529215046068469760"))
        #expect(try parse("5E") == .number(.int(5_000_000_000_000_000_000)))
        #expect(try parse("2.5e3K") == .int(2_500_000))
        #expect(try parse("6e3Mi") == .int(6_291_456_000))
        #expect(try parse(".5K") == .int(500))
        #expect(try parse(".0") == .int(0))
        #expect(try parse("100M") == .int(100_000_000))
        #expect(try parse("100mi") == .int(104_857_600))
        #expect(try parse("12345") == .int(12345))
        #expect(try parse("2Mi") == .int(2_097_152))
    }

    @Test func parseErrors() throws {
        #expect(stringBuiltinError("units.parse", "") == .failure("no amount provided"))
        #expect(stringBuiltinError("units.parse", "G") == .failure("no amount provided"))
        #expect(stringBuiltinError("units.parse", "foo") == .failure("no amount provided"))
        #expect(stringBuiltinError("units.parse", "0.0.0") == .failure("could not parse amount to a number"))
        #expect(stringBuiltinError("units.parse", ".5.2") == .failure("could not parse amount to a number"))
        #expect(stringBuiltinError("units.parse", "100 k") == .failure("spaces not allowed in resource strings"))
        #expect(stringBuiltinError("units.parse", " 327Mi ") == .failure("spaces not allowed in resource strings"))
        #expect(stringBuiltinError("units.parse", "1e99999999") != nil)
    }

    @Test func parseBytes() throws {
        #expect(try parseBytes("1.1KiB") == .int(1126))
        #expect(try parseBytes("1e-2KB") == .int(10))
        #expect(try parseBytes("\"100TIB\"") == .int(109_951_162_777_600))
        #expect(try parseBytes("10Kib") == .int(10240))
        #expect(try parseBytes("3.2E2MiB") == .int(335_544_320))
        #expect(try parseBytes("4.5e1GiB") == .int(48_318_382_080))
        #expect(try parseBytes("10eb") == bigValue("10000000000000000000"))
        #expect(try parseBytes("0.0") == .int(0))
        #expect(try parseBytes("1024") == .int(1024))
        #expect(try parseBytes("200mb") == .int(200_000_000))
        #expect(stringBuiltinError("units.parse_bytes", "GB") == .failure("no byte amount provided"))
        #expect(stringBuiltinError("units.parse_bytes", "0.0.0") == .failure("could not parse byte amount to a number"))
        #expect(stringBuiltinError("units.parse_bytes", "100 kb") == .failure("spaces not allowed in resource strings"))
    }
}
