import Testing
@testable import Rego

/// The first match of `pattern` in `text`, as text, or `nil`.
private func firstMatch(_ pattern: String, _ text: String) throws -> String? {
    let regex = try RE2Regex(pattern)
    let scalars = Array(text.unicodeScalars)
    return regex.firstMatch(in: scalars).map { CompiledRegex.substring($0.range, of: scalars) }
}

/// Every group of the first match (`nil` for a group that did not participate).
private func groups(_ pattern: String, _ text: String) throws -> [String?]? {
    let regex = try RE2Regex(pattern)
    let scalars = Array(text.unicodeScalars)
    guard let match = regex.firstMatch(in: scalars) else { return nil }
    return (0..<match.groupCount).map { index in match.group(index).map { CompiledRegex.substring($0, of: scalars) } }
}

private func findAll(_ pattern: String, _ text: String) throws -> [String] {
    let regex = try RE2Regex(pattern)
    let scalars = Array(text.unicodeScalars)
    return regex.allMatches(in: scalars, limit: nil).map { CompiledRegex.substring($0.range, of: scalars) }
}

/// RE2 / Go `regexp` semantics of the Pike VM engine (`Sources/Rego/Regex`), case by case.
@Suite struct RE2EngineTests {
    /// (pattern, text, the first match or `nil`), with the RE2 rule each case pins.
    static let cases: [(String, String, String?)] = [
        // Anchors: `^`/`$` are text anchors without `m`; `$` does not match before a final newline (unlike PCRE).
        ("^abc", "abc", "abc"), ("^b", "ab", nil), ("a$", "a\n", nil), ("a$", "ba", "a"),
        ("(?m)a$", "a\nb", "a"), ("(?m)^b", "a\nb", "b"), ("(?m)^$", "a\n\nb", ""), ("\\Aa", "ba", nil),
        ("a\\z", "a\n", nil), ("(?m)\\Ab", "a\nb", nil),
        // `.` excludes only `\n` unless `s`.
        (".", "\n", nil), ("(?s).", "\n", "\n"), ("a.c", "a\rc", "a\rc"), ("(?s:a.)c|a.b", "a\nb", nil),
        // Case folding, simple, over scalars (Kelvin sign, long s), in classes and negated classes.
        ("(?i)hello", "HeLLo", "HeLLo"), ("(?i)[a-c]+", "xABCx", "ABC"), ("(?i)k", "\u{212A}", "\u{212A}"),
        ("(?i)[^k]", "K", nil), ("(?i)s", "\u{17F}", "\u{17F}"), ("(?i:a)b", "AB", nil), ("(?i)σ", "Σ", "Σ"),
        ("(?i)a(?-i)b", "Ab", "Ab"), ("(?i)a(?-i)b", "AB", nil),
        // Perl and POSIX classes are ASCII-only.
        ("\\d+", "ab123", "123"), ("\\d", "١", nil), ("\\w+", "héllo", "h"), ("[[:alpha:]]+", "1ab1", "ab"),
        ("[[:^digit:]]+", "12ab3", "ab"), ("\\s", "\u{0B}", nil), ("[\\s]", "\t", "\t"), ("\\W", "a_é", "é"),
        ("[^\\d\\s]+", "1 ab 2", "ab"), ("[a-]+", "x-a-", "-a-"), ("[]a]+", "x]a", "]a"), ("[^]a]", "]ab", "b"),
        // Unicode general categories.
        ("\\pL+", "1héllo1", "héllo"), ("\\p{Lu}", "abcD", "D"), ("\\PN+", "12ab3", "ab"), ("\\p{^L}", "ab1", "1"),
        ("[\\p{Nd}x]+", "a١x2b", "١x2"), ("(?i)\\p{Lu}", "a", "a"), ("\\p{Any}", "\u{10FFFF}", "\u{10FFFF}"),
        // Matching is over Unicode scalars, not grapheme clusters.
        ("^.$", "e\u{301}", nil), ("^..$", "e\u{301}", "e\u{301}"), ("\u{301}", "é", nil),
        // Greedy, lazy, ungreedy flag.
        ("a+?", "aaa", "a"), ("a+", "aaa", "aaa"), ("a{2,3}?", "aaaa", "aa"), ("a*?b", "aab", "aab"),
        ("(?U)a+", "aaa", "a"), ("(?U)a+?", "aaa", "aaa"), ("a??", "a", ""),
        // Leftmost-first alternation, leftmost start.
        ("a|ab", "ab", "a"), ("ab|a", "ab", "ab"), ("b|ab", "xab", "ab"), ("(a|ab)(c|bcd)", "abcd", "abcd"),
        // Word boundaries (ASCII word characters).
        ("\\bfoo\\b", "a foo b", "foo"), ("\\bfoo\\b", "afoo", nil), ("\\Boo", "foo", "oo"), ("\\b", "", nil),
        ("\\B", "", ""),
        // Escapes.
        ("\\x{41}\\x42\\101", "ABA", "ABA"), ("\\Q.*\\E+", "a.**", ".**"), ("\\.\\*", "a.*", ".*"), ("\\v", "\u{0B}", "\u{0B}"),
        ("\\012", "\n", "\n"), ("\\x{1F600}", "\u{1F600}", "\u{1F600}"),
        // Counted repetition; `{` that does not start a count is a literal.
        ("a{3}", "aaaa", "aaa"), ("a{2,}", "aaaaa", "aaaaa"), ("a{,2}", "a{,2}", "a{,2}"), ("a{0}b", "ab", "b"),
        ("(ab){2}", "ababab", "abab"), ("x{01}", "x{01}", "x{01}"),
        // Empty pattern and empty text.
        ("", "abc", ""), ("a*", "", ""), ("^$", "", ""),
    ]

    @Test(arguments: cases.indices)
    func semantics(_ index: Int) throws {
        let (pattern, text, expected) = RE2EngineTests.cases[index]
        #expect(try firstMatch(pattern, text) == expected, "\(pattern) on \(text.debugDescription)")
    }

    @Test func capturesTakeTheLastIteration() throws {
        #expect(try groups("(a|b)+", "ab") == ["ab", "b"])
        #expect(try groups("(a)|b", "b") == ["b", nil])
        #expect(try groups("(a*)+", "b") == ["", ""])
        #expect(try groups("(?:(a)|(b))+", "ab") == ["ab", "a", "b"])
        #expect(try groups("(a)(?:x(b))?", "a") == ["a", "a", nil])
        #expect(try groups("(a+)(a*)", "aaa") == ["aaa", "aaa", ""])
        #expect(try groups("(a+?)(a*)", "aaa") == ["aaa", "a", "aa"])
        let named = try RE2Regex("(?P<x>a)(?<y>b)(c)")
        #expect(named.captureNames == ["x": 1, "y": 2])
        #expect(named.captureCount == 3)
    }

    @Test func findAllFollowsGo() throws {
        #expect(try findAll("a*", "baaac") == ["", "aaa", ""])
        #expect(try findAll("", "abc") == ["", "", "", ""])
        #expect(try findAll("a|", "ab") == ["a", ""])
        #expect(try findAll("a*?", "aa") == ["", "", ""])
        #expect(try findAll("\\b", "ab cd") == ["", "", "", ""])
        #expect(try findAll("(?m)^", "a\nb\n") == ["", "", ""])
        #expect(try findAll("é|e", "éeé") == ["é", "e", "é"])
    }

    @Test func errorsUseGoWording() {
        let expected: [(String, String)] = [
            ("a**", "invalid nested repetition operator: `**`"), ("a*??", "invalid nested repetition operator: `*??`"),
            ("(", "missing closing ): `(`"), ("a)", "unexpected ): `a)`"), ("[a", "missing closing ]: `[a`"),
            ("x{1001}", "invalid repeat count: `{1001}`"), ("x{2,1}", "invalid repeat count: `{2,1}`"),
            ("(x{500}){3}", "invalid repeat count: `{3}`"), ("\\8", "invalid escape sequence: `\\8`"),
            ("\\1", "invalid escape sequence: `\\1`"), ("*", "missing argument to repetition operator: `*`"),
            ("a|*", "missing argument to repetition operator: `*`"), ("\\", "trailing backslash at end of expression: ``"),
            ("[z-a]", "invalid character class range: `z-a`"), ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            ("\\p{Greek}", "invalid character class range: `\\p{Greek}`"), ("(?P<>a)", "invalid named capture: `(?P<>`"),
            ("(?<a>x)(?<a>y)", "duplicate capture group name: `(?<a>`"), ("(?=a)", "invalid or unsupported Perl syntax: `(?=`"),
            ("(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"), ("\\x{110000}", "invalid escape sequence: `\\x{110000}`"),
            ("\\C", "invalid escape sequence: `\\C`"), ("\\Z", "invalid escape sequence: `\\Z`"),
        ]
        for (pattern, message) in expected {
            #expect(throws: RegexSyntaxError.self, "\(pattern)") { try RE2Regex(pattern) }
            do {
                _ = try RE2Regex(pattern)
            } catch {
                #expect(error.description == "error parsing regexp: " + message, "\(pattern)")
            }
        }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "(", count: RegexParser.maxDepth) + "a" + String(repeating: ")", count: RegexParser.maxDepth)
        #expect(try firstMatch(deep, "a") == "a")
        let tooDeep = "(" + deep + ")"
        #expect(throws: RegexSyntaxError(code: RegexSyntaxError.nestingDepth, fragment: tooDeep)) { try RE2Regex(tooDeep) }
    }

    /// Patterns whose program would make a search hold too many capture slots are refused, not run: 300 groups of
    /// a 1000-fold repetition would otherwise need gigabytes per search.
    @Test func oversizedProgramsAreRefused() throws {
        let huge = String(repeating: "([a-z]{1000})", count: 300)
        #expect(throws: RegexSyntaxError(code: RegexSyntaxError.tooLarge, fragment: huge)) { try RE2Regex(huge) }
        #expect(try RE2Regex("([a-z]{1000})").matches(String(repeating: "q", count: 1000)))
    }

    /// A backtracking engine takes exponential time on these (2^n ways to split the run of `a`s); the Pike VM takes
    /// one pass. The suite would time out rather than fail if matching were not linear.
    @Test func pathologicalPatternsFinish() throws {
        let run = String(repeating: "a", count: 30_000)
        #expect(try RE2Regex("(a*)*b").matches(run) == false)
        #expect(try RE2Regex("(a|aa)*c").matches(run) == false)
        #expect(try RE2Regex("^(a+)+$").matches(run + "!") == false)
        #expect(try firstMatch("(x+x+)+y", String(repeating: "x", count: 5_000)) == nil)
        #expect(try RE2Regex("(a|a)*b").allMatches(in: Array(String(repeating: "a", count: 5_000).unicodeScalars), limit: nil).isEmpty)
    }
}
