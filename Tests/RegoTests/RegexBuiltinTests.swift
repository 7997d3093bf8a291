import Testing
@testable import Rego

/// Calls the standard builtin `name` with string, integer, `nil` (null) or `Value` operands.
func callRegexBuiltin(_ name: String, _ args: Any?...) throws -> Value? {
    try invokeRegexBuiltin(name, args)
}

/// The error a regex or glob builtin call throws, if any.
func regexBuiltinError(_ name: String, _ args: Any?...) -> BuiltinError? { builtinError(name, args.map(regexTestValue)) }

private func invokeRegexBuiltin(_ name: String, _ args: [Any?]) throws -> Value? {
    try invokeBuiltin(name, args.map(regexTestValue))
}

/// A test operand: a `Value` as it is, a string, an integer, or `nil` for null.
private func regexTestValue(_ arg: Any?) -> Value {
    switch arg {
    case let value as Value: return value
    case let text as String: return .string(text)
    case let integer as Int: return .int(integer)
    default: return .null
    }
}

private func strings(_ items: String...) -> Value { .array(items.map(Value.string)) }

@Suite struct RegexBuiltinTests {
    @Test func match() throws {
        // regexmatch/*
        #expect(try callRegexBuiltin("regex.match", "^[a-z]+\\[[0-9]+\\]$", "foo[1]") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "^$", "") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "", "") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "", "x") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "^$", "something") == .bool(false))
        // regexmatch/regex.match bad RE: an error, so undefined
        #expect(throws: BuiltinError.self) { try callRegexBuiltin("regex.match", "$^[[[", "something") }
        // RE2 `$` is end of text, not before a final newline
        #expect(try callRegexBuiltin("regex.match", "^a$", "a\n") == .bool(false))
        #expect(try callRegexBuiltin("regex.match", "(?m)^a$", "a\nb") == .bool(true))
        // RE2 syntax ICU spells differently, and ASCII-only classes
        #expect(try callRegexBuiltin("regex.match", "^(?P<word>[[:alpha:]]+)\\z", "abc") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "^\\d+$", "١٢") == .bool(false))
        #expect(try callRegexBuiltin("regex.match", "^[[]+$", "[[") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "^a{2}{$", "aa{") == .bool(true))
        // RE2 `.` excludes only \n, unless (?s)
        #expect(try callRegexBuiltin("regex.match", "^a.b$", "a\rb") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "^a.b$", "a\nb") == .bool(false))
        #expect(try callRegexBuiltin("regex.match", "(?s)^a.b$", "a\nb") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "^\\v$", "\u{0B}") == .bool(true))
        // Kata policy patterns
        #expect(try callRegexBuiltin("regex.match", "(^|/)\\.\\.($|/)", "a/../b") == .bool(true))
        #expect(try callRegexBuiltin("regex.match", "^(?:0{0,4}:){0,7}0{0,3}1$", "::1") == .bool(true))
        #expect(try callRegexBuiltin(
            "regex.match", "^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[01][0-9a-fA-F]\\.[0-7]=[0-9a-fA-F]{2}/[0-9a-fA-F]{2}$",
            "0000:00:01.0=01/02") == .bool(true))
    }

    @Test func isValid() throws {
        // regexisvalid/*
        #expect(try callRegexBuiltin("regex.is_valid", 10) == .bool(false))
        #expect(try callRegexBuiltin("regex.is_valid", "++") == .bool(false))
        #expect(try callRegexBuiltin("regex.is_valid", ".+") == .bool(true))
        let invalidPatterns = ["a**", "(?=a)", "(?<!a)b", "(a)\\1", "a{1001}", "[a", "(a"]
        for invalid in invalidPatterns + ["\\Z", "x{2,1}", "\\h", "[\\b]", "\\8"] {
            #expect(try callRegexBuiltin("regex.is_valid", invalid) == .bool(false), "\(invalid)")
        }
        for valid in ["a*?", "(?i)abc", "(?s:.)", "\\pL", "\\x{41}", "a{,2}", "[a-z&&b]", "(?P<a_b>x)"] {
            #expect(try callRegexBuiltin("regex.is_valid", valid) == .bool(true), "\(valid)")
        }
    }

    @Test func findN() throws {
        // regexfind/*
        #expect(try callRegexBuiltin("regex.find_n", "a.", "paranormal", -1) == strings("ar", "an", "al"))
        #expect(try callRegexBuiltin("regex.find_n", "a.", "paranormal", 2) == strings("ar", "an"))
        #expect(try callRegexBuiltin("regex.find_n", "a.", "paranormal", 0) == strings())
        #expect(try callRegexBuiltin("regex.find_n", "^a.", "abacadaeaf", -1) == strings("ab"))
        #expect(try callRegexBuiltin("regex.find_n", ".$", "abacadaeaf", -1) == strings("f"))
        #expect(try callRegexBuiltin("regex.find_n", "[abcdef]{2}", "abacadaeaf", -1)
            == strings("ab", "ac", "ad", "ae", "af"))
        #expect(try callRegexBuiltin("regex.find_n", "bork", "paranormal", -1) == strings())
        // Go drops an empty match right after a match: a* on "baaac" is ["", "aaa", "", ""]... minus the abutting one
        #expect(try callRegexBuiltin("regex.find_n", "a*", "baaac", -1) == strings("", "aaa", ""))
    }

    @Test func findAllStringSubmatch() throws {
        // regexfindallstringsubmatch/*
        let pattern = "a(x*)b"
        #expect(try callRegexBuiltin("regex.find_all_string_submatch_n", pattern, "-", -1) == .array([]))
        #expect(try callRegexBuiltin("regex.find_all_string_submatch_n", pattern, "-ab-", -1)
            == .array([strings("ab", "")]))
        #expect(try callRegexBuiltin("regex.find_all_string_submatch_n", pattern, "-axxb-", -1)
            == .array([strings("axxb", "xx")]))
        #expect(try callRegexBuiltin("regex.find_all_string_submatch_n", pattern, "-ab-axb-", -1)
            == .array([strings("ab", ""), strings("axb", "x")]))
        let vowels = "[^aouiye]([aouiye])([^aouiye])?"
        #expect(try callRegexBuiltin("regex.find_all_string_submatch_n", vowels, "somestri", -1)
            == .array([strings("som", "o", "m"), strings("ri", "i", "")]))
        #expect(try callRegexBuiltin("regex.find_all_string_submatch_n", vowels, "somestri", 1)
            == .array([strings("som", "o", "m")]))
        let long = String(repeating: "a", count: 62) + "bc"
        #expect(try callRegexBuiltin("regex.find_all_string_submatch_n", "^.*$", long, -1) == .array([strings(long)]))
        // Kata: bundle id from a root path
        #expect(try callRegexBuiltin(
            "regex.find_all_string_submatch_n",
            "^/run/kata-containers/shared/containers/([0-9a-f]{64}|[a-z0-9][a-z0-9.-]*)/rootfs$",
            "/run/kata-containers/shared/containers/pause.1/rootfs", 1) == .array([strings(
                "/run/kata-containers/shared/containers/pause.1/rootfs", "pause.1")]))
    }

    @Test func replace() throws {
        // regexreplace/*
        #expect(try callRegexBuiltin("regex.replace", "-wy-wxxy-", "w(x*)y", "0") == .string("-0-0-"))
        #expect(try callRegexBuiltin("regex.replace", "foo", "(foo)", "$1$1") == .string("foofoo"))
        #expect(throws: BuiltinError.self) { try callRegexBuiltin("regex.replace", "foo", "[", "$1") }
        #expect(try callRegexBuiltin("regex.replace", "foo", "^[a-z]", "F") == .string("Foo"))
        #expect(try callRegexBuiltin("regex.replace", "foo", "^[a-z]$", "F") == .string("foo"))
        #expect(try callRegexBuiltin("regex.replace", "foo", "^[a-z]+$", "M") == .string("M"))
        #expect(try callRegexBuiltin("regex.replace", "foo", "[a-z]$", "F") == .string("foF"))
        #expect(try callRegexBuiltin("regex.replace", "foo", "x[a-z]$", "F") == .string("foo"))
        #expect(try callRegexBuiltin("regex.replace", "foo bar", "[a-z]", "_") == .string("___ ___"))
        #expect(try callRegexBuiltin("regex.replace", "foo barx", "[a-z]{3}", "_") == .string("_ _x"))
        #expect(try callRegexBuiltin("regex.replace", "foo barx", "[a-z]{2}", "_") == .string("_o __"))
        // Go's template expansion: $1x names group "1x" (absent), ${1}x, $$, named groups, and empty matches
        #expect(try callRegexBuiltin("regex.replace", "ab", "(?P<first>a)(b)", "$1x|${1}x|$$|$first|${2}")
            == .string("|ax|$|a|b"))
        #expect(try callRegexBuiltin("regex.replace", "baaac", "a*", "X") == .string("XbXcX"))
    }

    @Test func split() throws {
        // regexsplit/*
        #expect(try callRegexBuiltin("regex.split", "^[a-z]+\\[[0-9]+\\]$", "") == strings(""))
        #expect(try callRegexBuiltin("regex.split", "^[a-z]+", "foobar baz") == strings("", " baz"))
        #expect(try callRegexBuiltin("regex.split", "[a-z]+$", "foobar baz") == strings("foobar ", ""))
        #expect(try callRegexBuiltin("regex.split", "^[a-z]+$", "foobar baz") == strings("foobar baz"))
        #expect(try callRegexBuiltin("regex.split", "^[a-z ]+$", "foobar baz") == strings("", ""))
        #expect(try callRegexBuiltin("regex.split", "a", "banana") == strings("b", "n", "n", ""))
        #expect(try callRegexBuiltin("regex.split", "z+", "pizza") == strings("pi", "a"))
        #expect(try callRegexBuiltin("regex.split", "", "abc") == strings("a", "b", "c"))
    }

    @Test func templateMatch() throws {
        // regexmatchtemplate/*
        let templateMatch = "regex.template_match"
        #expect(try callRegexBuiltin(templateMatch, "urn:foo:{.*}", "urn:foo:bar:baz", "{", "}") == .bool(true))
        #expect(try callRegexBuiltin(templateMatch, "urn:foo:<.*>", "urn:foo:bar:baz", "<", ">") == .bool(true))
        #expect(try callRegexBuiltin(templateMatch, "urn:foo.{[0-9]{2}}", "urn:foo.12", "{", "}") == .bool(true))
        #expect(try callRegexBuiltin(templateMatch, "urn:foo.{[0-9]{2}}", "urn:fooX12", "{", "}") == .bool(false))
        #expect(throws: BuiltinError.self) { try callRegexBuiltin("regex.template_match", "a{b", "ab", "{", "}") }
    }

    @Test func globsMatch() throws {
        // globsmatch/*
        #expect(try callRegexBuiltin("regex.globs_match", "a.a.[0-9]+z", ".b.b2359825792*594823z") == .bool(true))
        #expect(try callRegexBuiltin("regex.globs_match", "[a-z]+", "[0-9]*") == .bool(false))
        #expect(regexBuiltinError("regex.globs_match", "pqrs]", "[a-b]+") == .failure(
            "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid"))
        #expect(try callRegexBuiltin("regex.globs_match", "b.*", "bar") == .bool(true))
        #expect(try callRegexBuiltin("regex.globs_match", "b.*", "baz") == .bool(true))
        #expect(try callRegexBuiltin("regex.globs_match", "[a-z]+\\[[0-9]+\\]", "foo\\[1\\]") == .bool(true))
        #expect(try callRegexBuiltin("regex.globs_match", "[a-z]+\\[[0-9]+\\]", "foo[\"bar\"]") == .bool(false))
        #expect(try callRegexBuiltin("regex.globs_match", "a*", "") == .bool(true))
        #expect(try callRegexBuiltin("regex.globs_match", "[^a]", "a") == .bool(false))
    }
}

@Suite struct GlobBuiltinTests {
    private func glob(_ pattern: String, _ delimiters: Value, _ text: String) throws -> Value? {
        try callRegexBuiltin("glob.match", pattern, delimiters, text)
    }

    @Test func delimiters() throws {
        let dot = strings(".")
        #expect(try glob("*.github.com", dot, "api.github.com") == .bool(true))
        #expect(try glob("api.**.com", dot, "api.github.com") == .bool(true))
        #expect(try glob("api.**.com", dot, "api.cdn.github.com") == .bool(true))
        #expect(try glob("*:github:com", strings(":"), "api:github:com") == .bool(true))
        #expect(try glob("*.github.com", dot, "api.not-github.com") == .bool(false))
        #expect(try glob("*.github.com", dot, "api.example.com") == .bool(false))
        #expect(try glob("*", dot, "foo") == .bool(true))
        #expect(try glob("*", strings(), "foo") == .bool(true))
        #expect(try glob("*", dot, "foo.bar") == .bool(false))
        // globmatch/glob no match single with default delimiter: [] means "."
        #expect(try glob("*", strings(), "foo.bar") == .bool(false))
        // globmatch/glob match single without default delimiter: null means none
        #expect(try glob("*", .null, "foo.bar") == .bool(true))
        #expect(try glob("foo*", .null, "foo.bar") == .bool(true))
        #expect(try glob("?at", strings("f"), "bat") == .bool(true))
        #expect(try glob("?at", strings("f"), "fat") == .bool(false))
    }

    @Test func classesAndAlternatives() throws {
        let none = strings()
        #expect(try glob("[abc]at", none, "cat") == .bool(true))
        #expect(try glob("[abc]at", none, "fat") == .bool(false))
        #expect(try glob("[!abc]at", none, "fat") == .bool(true))
        #expect(try glob("[!abc]at", none, "cat") == .bool(false))
        #expect(try glob("[a-c]at", none, "bat") == .bool(true))
        #expect(try glob("[a-c]at", none, "fat") == .bool(false))
        #expect(try glob("[!a-c]at", none, "bat") == .bool(false))
        #expect(try glob("[!a-c]at", none, "fat") == .bool(true))
        #expect(try glob("?at", none, "fat") == .bool(true))
        #expect(try glob("?at", none, "at") == .bool(false))
        for text in ["cat", "bat", "fat", "rat"] {
            #expect(try glob("{cat,bat,[fr]at}", none, text) == .bool(true))
        }
        #expect(try glob("{cat,bat,[fr]at}", none, "at") == .bool(false))
        #expect(try glob("{a,b{c,d}}x", none, "bdx") == .bool(true))
        #expect(try glob("\\*x", none, "*x") == .bool(true))
        #expect(try glob("\\*x", none, "ax") == .bool(false))
        #expect(throws: BuiltinError.self) { try glob("[abc", none, "a") }
        #expect(throws: BuiltinError.self) { try glob("{a,b", none, "a") }
        #expect(throws: BuiltinError.self) { try glob("*", Value.int(1), "a") }
    }

    @Test func quoteMeta() throws {
        #expect(try callRegexBuiltin("glob.quote_meta", "*.github.com") == .string("\\*.github.com"))
        #expect(try callRegexBuiltin("glob.quote_meta", "[a]{b}?\\") == .string("\\[a\\]\\{b\\}\\?\\\\"))
    }
}

@Suite struct StringFamilyRobustnessTests {
    /// Every string, regex, glob and units builtin returns or throws, never traps, on awkward operands.
    @Test func awkwardOperandsNeverTrap() throws {
        let pool: [Value] = [
            .string(""), .string("a.b"), .string("[!"), .string("{a,"), .string("(?P<"), .string("\\"),
            .string("**{a,[!b-a]}"), .string("%*[9]d%-05.3x%!%"), .string("1.5e3Ki"), .string("😀2\u{FE0F}"),
            .number(Number(BigInt(decimal: "123456789123456789123456789") ?? BigInt(0))), .int(-1), .int(0),
            .number(Number(2.5)), .null, .array([.string("x"), .int(1)]), .set(SetValue([.string(".")])),
            .object(ObjectValue([(Value.string("a"), Value.string("b"))])),
        ]
        let names = (StringBuiltins.all + RegexBuiltins.all).map(\.name)
        for name in names {
            guard let builtin = BuiltinRegistry.standard[name], case .function(let body) = builtin.implementation,
                  let arity = builtin.arity else { continue }
            var indices = [Int](repeating: 0, count: arity)
            var calls = 0
            while calls < 120_000 {
                let operands = Operands(indices.map { pool[$0] })
                _ = try? body(operands, BuiltinContext(nowNanoseconds: 0, printLine: { _ in }))
                calls += 1
                var position = 0
                while position < arity {
                    indices[position] += 1
                    if indices[position] < pool.count { break }
                    indices[position] = 0
                    position += 1
                }
                if position == arity { break }
            }
        }
    }
}
