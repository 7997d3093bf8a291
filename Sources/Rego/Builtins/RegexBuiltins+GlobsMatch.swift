/// A pattern of `regex.globs_match`: a sequence of single-character matchers (a literal, `.` for any character, or a
/// class `[a-z0-9]`), each optionally repeated by `*` (zero or more) or `+` (one or more); `\` escapes the next
/// character.
struct GlobRegex {
    /// The code points one token accepts, as sorted, disjoint ranges.
    typealias CharacterSet = [ClosedRange<UInt32>]

    /// One matcher and whether it repeats (zero or more times).
    struct Token {
        var characters: CharacterSet
        var repeats: Bool
    }

    private(set) var tokens: [Token] = []

    static let allCharacters: CharacterSet = [0...0x10FFFF]

    /// Parses `pattern`.
    /// - Throws: `BuiltinError.failure` worded as OPA's `input:…, pos:…, …: the input provided is invalid`.
    init(parsing pattern: String) throws {
        let source = Array(pattern.unicodeScalars)
        func invalid(_ position: Int, _ reason: String) -> BuiltinError {
            BuiltinError.failure("input:\(pattern), pos:\(position + 1), \(reason): the input provided is invalid")
        }
        var index = 0
        while index < source.count {
            let scalar = source[index]
            switch scalar {
            case "*", "+":
                guard let last = tokens.last, !last.repeats || scalar == "*" else {
                    throw invalid(index, "quantifier '\(scalar)' with no preceding character")
                }
                if scalar == "+" {
                    tokens.append(Token(characters: last.characters, repeats: true))
                } else {
                    tokens[tokens.count - 1].repeats = true
                }
                index += 1
            case "]":
                throw invalid(index, "set-close ']' with no preceding '['")
            case "[":
                let (set, next) = try GlobRegex.parseSet(source, from: index, invalid)
                tokens.append(Token(characters: set, repeats: false))
                index = next
            case ".":
                tokens.append(Token(characters: GlobRegex.allCharacters, repeats: false))
                index += 1
            case "\\":
                guard index + 1 < source.count else { throw invalid(index, "escape '\\' at end of input") }
                tokens.append(Token(characters: [source[index + 1].value...source[index + 1].value], repeats: false))
                index += 2
            default:
                tokens.append(Token(characters: [scalar.value...scalar.value], repeats: false))
                index += 1
            }
        }
    }

    /// Reads a class starting at the `[` at `start`; returns its ranges and the index after the `]`.
    private static func parseSet(
        _ source: [Unicode.Scalar], from start: Int, _ invalid: (Int, String) -> BuiltinError
    ) throws -> (CharacterSet, Int) {
        var index = start + 1
        var negated = false
        if index < source.count, source[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: CharacterSet = []
        func literal() throws -> UInt32 {
            if source[index] == "\\" {
                guard index + 1 < source.count else { throw invalid(index, "escape '\\' at end of input") }
                index += 1
            } else if source[index] == "[" {
                throw invalid(index, "set-open '[' within a set")
            }
            defer { index += 1 }
            return source[index].value
        }
        while index < source.count, source[index] != "]" {
            let low = try literal()
            if index + 1 < source.count, source[index] == "-", source[index + 1] != "]" {
                index += 1
                let high = try literal()
                guard low <= high else { throw invalid(index - 1, "invalid range in set") }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        guard index < source.count else { throw invalid(start, "set-open '[' with no closing ']'") }
        guard !ranges.isEmpty else { throw invalid(index, "empty set") }
        let normalized = normalize(ranges)
        return (negated ? complement(normalized) : normalized, index + 1)
    }

    /// Sorted, merged ranges.
    static func normalize(_ ranges: CharacterSet) -> CharacterSet {
        var merged: CharacterSet = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The code points not in normalized `ranges`.
    static func complement(_ ranges: CharacterSet) -> CharacterSet {
        var result: CharacterSet = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound &+ 1
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }

    /// Whether two normalized sets share a code point.
    static func overlap(_ a: CharacterSet, _ b: CharacterSet) -> Bool {
        a.contains { x in b.contains { y in x.overlaps(y) } }
    }

    /// Whether some string matches both patterns: reachability in the product of the two patterns' automata, whose
    /// state is how many tokens of each pattern have been passed.
    func intersects(_ other: GlobRegex) -> Bool {
        let width = other.tokens.count + 1
        var seen = Set<Int>()
        var stack = [(0, 0)]
        while let (i, j) = stack.popLast() {
            guard seen.insert(i * width + j).inserted else { continue }
            if i == tokens.count && j == other.tokens.count { return true }
            var moves: [(Int, Int)] = []
            if i < tokens.count, tokens[i].repeats { moves.append((i + 1, j)) }
            if j < other.tokens.count, other.tokens[j].repeats { moves.append((i, j + 1)) }
            if i < tokens.count, j < other.tokens.count,
               GlobRegex.overlap(tokens[i].characters, other.tokens[j].characters) {
                moves.append((tokens[i].repeats ? i : i + 1, other.tokens[j].repeats ? j : j + 1))
            }
            stack.append(contentsOf: moves)
        }
        return false
    }
}
