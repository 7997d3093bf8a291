/// An RE2 expression compiled for the Pike VM, with the match operations of Go's `regexp` package. Matching is
/// over Unicode scalars and takes time linear in the text length.
struct RE2Regex: Sendable {
    let program: RegexProgram
    /// The number of capturing groups.
    let captureCount: Int
    /// Capture group numbers by name.
    let captureNames: [String: Int]

    /// Compiles `pattern`.
    /// - Throws: `RegexSyntaxError` when `pattern` is not valid RE2.
    init(_ pattern: String) throws(RegexSyntaxError) {
        let parsed = try RegexParser.parse(pattern)
        program = try RegexCompiler.compile(parsed, pattern: pattern)
        captureCount = parsed.captureCount
        captureNames = parsed.captureNames
    }

    /// Whether the expression matches anywhere in `text`.
    func matches(_ text: String) -> Bool {
        var vm = RegexVM(program: program, text: Array(text.unicodeScalars), slotCount: 2)
        return vm.search(from: 0, earliest: true) != nil
    }

    /// The leftmost-first match starting at or after scalar offset `start`, with every group.
    func firstMatch(in text: [Unicode.Scalar], from start: Int = 0) -> RegexMatch? {
        var vm = RegexVM(program: program, text: text, slotCount: program.slotCount)
        return vm.search(from: start).map(RegexMatch.init)
    }

    /// Go's `FindAll…`: successive non-overlapping matches, at most `limit` (all when `nil`); an empty match right
    /// where the previous match ended is skipped, and the search moves on one scalar after an empty match.
    func allMatches(in text: [Unicode.Scalar], limit: Int?) -> [RegexMatch] {
        if let limit, limit <= 0 { return [] }
        var vm = RegexVM(program: program, text: text, slotCount: program.slotCount)
        var found: [RegexMatch] = []
        var position = 0
        var previousEnd = -1
        while position <= text.count {
            guard let slots = vm.search(from: position) else { break }
            let match = RegexMatch(slots: slots)
            var accept = true
            if match.range.upperBound == position {
                if match.range.lowerBound == previousEnd { accept = false }
                position += 1
            } else {
                position = match.range.upperBound
            }
            previousEnd = match.range.upperBound
            if accept {
                found.append(match)
                if let limit, found.count >= limit { break }
            }
        }
        return found
    }

    /// Go's `ReplaceAllString` matches: each match, and whether its replacement is inserted (not for an empty
    /// match straight after the previous one).
    func replacementMatches(in text: [Unicode.Scalar]) -> [(match: RegexMatch, replace: Bool)] {
        var vm = RegexVM(program: program, text: text, slotCount: program.slotCount)
        var out: [(RegexMatch, Bool)] = []
        var lastMatchEnd = 0
        var position = 0
        while position <= text.count {
            guard let slots = vm.search(from: position) else { break }
            let match = RegexMatch(slots: slots)
            out.append((match, match.range.upperBound > lastMatchEnd || match.range.lowerBound == 0))
            lastMatchEnd = match.range.upperBound
            position = position + 1 > match.range.upperBound ? position + 1 : match.range.upperBound
        }
        return out
    }
}

/// One match: the scalar offsets of the whole match and of each group.
struct RegexMatch: Sendable, Equatable {
    /// Two per group, group 0 first; -1 for a group that did not participate.
    var slots: [Int]

    /// The whole match.
    var range: Range<Int> { slots[0]..<slots[1] }

    /// The number of groups, the whole match included.
    var groupCount: Int { slots.count / 2 }

    /// Group `index`'s range, or `nil` if it did not participate.
    func group(_ index: Int) -> Range<Int>? {
        guard index >= 0, 2 * index + 1 < slots.count, slots[2 * index] >= 0, slots[2 * index + 1] >= 0 else {
            return nil
        }
        return slots[2 * index]..<slots[2 * index + 1]
    }
}
