import Foundation
import Testing
import TestSupport
@testable import Rego

/// Google's RE2 through its Python binding (`pip install google-re2`, module `re2`), the reference the engine's
/// semantics come from. `.ci/run` installs it into `.build/venv-re2`.
enum RE2Peer {
    /// A Python that can import `re2`: `$HERMETIC_RE2_PYTHON`, or the CI venv `.build/venv-re2/bin/python`.
    static let python = PeerPython.find(importing: "re2", environmentVariable: "HERMETIC_RE2_PYTHON", venv: "venv-re2")

    /// Reads `[[pattern, text], …]` as JSON on standard input; writes, per case, `null` when RE2 rejects the pattern,
    /// `[]` when it does not match, or the flat list of group spans of the first match (`-1` for a group that did not
    /// take part), positions in code points.
    static let script = """
        import json, sys, re2
        out = []
        for pattern, text in json.load(sys.stdin):
            try:
                compiled = re2.compile(pattern)
            except Exception:
                out.append(None)
                continue
            match = compiled.search(text)
            if match is None:
                out.append([])
                continue
            spans = []
            for group in range(compiled.groups + 1):
                start, end = match.span(group)
                spans += [start, end]
            out.append(spans)
        json.dump(out, sys.stdout)
        """

    /// RE2's answer for each case, in order.
    static func run(_ cases: [[String]]) throws -> [[Int]?] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/python3")
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode([[Int]?].self, from: data)
    }
}

/// SplitMix64, so the generated cases are the same on every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random expressions over a small alphabet: literals, `.`, classes, anchors, word boundaries, groups (capturing,
/// non-capturing, with flags), alternation, and one repetition operator per atom (Go rejects stacked operators,
/// C++ RE2 accepts them, so they are left out).
private struct PatternGenerator {
    var random: SeededGenerator

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

    mutating func expression(depth: Int) -> String {
        let branches = depth > 0 && random.next() % 4 == 0 ? 2 : 1
        return (0..<branches).map { _ in concatenation(depth: depth) }.joined(separator: "|")
    }

    mutating func concatenation(depth: Int) -> String {
        (0..<(1 + Int(random.next() % 3))).map { _ in repeated(depth: depth) }.joined()
    }

    mutating func repeated(depth: Int) -> String {
        if random.next() % 8 == 0 { return pick(["^", "$", "\\b", "\\B", "(?m:^)", "(?m:$)"]) }
        let atom = self.atom(depth: depth)
        guard random.next() % 2 == 0 else { return atom }
        return atom + pick(["*", "+", "?", "*?", "+?", "??", "{2}", "{1,2}", "{0,2}?", "{2,}"])
    }

    mutating func atom(depth: Int) -> String {
        if depth > 0 && random.next() % 3 == 0 {
            let open = pick(["(", "(", "(?:", "(?i:", "(?s:", "(?U:"])
            return open + expression(depth: depth - 1) + ")"
        }
        return pick(["a", "b", "A", ".", "[ab]", "[^a]", "[a-c]", "\\w", "\\s", "\\n", "é", "\\pL"])
    }

    mutating func text() -> String {
        String((0..<Int(random.next() % 9)).map { _ in pick(["a", "b", "a", "B", "c", "\n", " ", "é"] as [Character]) })
    }
}

@Suite struct RE2PeerTests {
    @Test(.enabled(if: RE2Peer.python != nil, "skipped: google-re2 (pip, module re2) is missing; .ci/run installs it into .build/venv-re2"))
    func randomExpressionsAgreeWithRE2() throws {
        var generator = PatternGenerator(random: SeededGenerator(state: 20_261_121))
        var cases: [[String]] = []
        for _ in 0..<600 {
            let pattern = generator.expression(depth: 2)
            for _ in 0..<2 { cases.append([pattern, generator.text()]) }
        }
        let expected = try RE2Peer.run(cases)
        try #require(expected.count == cases.count)
        var compared = 0
        for (pair, answer) in zip(cases, expected) {
            let (pattern, text) = (pair[0], pair[1])
            guard let answer else {
                #expect(throws: RegexSyntaxError.self, "RE2 rejects \(pattern)") { try RE2Regex(pattern) }
                continue
            }
            let regex = try RE2Regex(pattern)
            let match = regex.firstMatch(in: Array(text.unicodeScalars))
            let slots = match?.slots.map { $0 < 0 ? -1 : $0 } ?? []
            #expect(slots == answer, "\(pattern.debugDescription) on \(text.debugDescription)")
            compared += 1
        }
        #expect(compared > 1000)
    }
}
