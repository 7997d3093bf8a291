/// One instruction of a compiled expression, run by ``RegexVM``.
enum RegexInstruction: Sendable {
    /// Consume this scalar.
    case scalar(UInt32)
    /// Consume a scalar of the set (an index into ``RegexProgram/sets``).
    case set(Int)
    /// Consume any scalar.
    case anyScalar
    /// Consume any scalar but `\n`.
    case anyExceptNewline
    /// Continue at both targets, the first preferred.
    case split(Int, Int)
    case jump(Int)
    /// Record the position in capture slot `n` (group `n / 2`, start when even, end when odd).
    case save(Int)
    case assert(RegexAssertion)
    case match
}

/// A compiled expression: a Thompson-NFA program whose thread priorities give RE2's leftmost-first choices.
struct RegexProgram: Sendable {
    var instructions: [RegexInstruction]
    var sets: [RegexScalarSet]
    /// Each set's ASCII members as a 128-bit map (low word: scalars 0–63), so most text needs no range search.
    var asciiMaps: [(UInt64, UInt64)]
    /// The number of capture slots: two per group, group 0 being the whole match.
    var slotCount: Int
    /// Whether every match must start at the beginning of the text (the expression begins with `^` or `\A`).
    var anchoredAtStart: Bool
    /// The scalars a match can begin with, as an index into ``sets``, when every match begins by consuming one
    /// (no assertion or empty match first); the VM skips positions that cannot start a match while no thread lives.
    var firstScalars: Int?
    /// For each instruction that consumes a scalar or matches, its index among those (threads rest only there, so
    /// only they need capture slots); -1 for the others.
    var restingIndex: [Int]
    /// The number of instructions threads rest at.
    var restingCount: Int

    /// Whether set `index` contains `value`.
    @inline(__always)
    func set(_ index: Int, contains value: UInt32) -> Bool {
        if value < 64 { return asciiMaps[index].0 & (1 << UInt64(value)) != 0 }
        if value < 128 { return asciiMaps[index].1 & (1 << UInt64(value - 64)) != 0 }
        return sets[index].contains(value)
    }

    /// The 128-bit ASCII membership map of `set`.
    static func asciiMap(_ set: RegexScalarSet) -> (UInt64, UInt64) {
        var map: (UInt64, UInt64) = (0, 0)
        func mark(_ value: UInt32) {
            if value < 64 { map.0 |= 1 << UInt64(value) } else { map.1 |= 1 << UInt64(value - 64) }
        }
        guard set.categories.isEmpty else {
            for value in UInt32(0)..<128 where set.contains(value) { mark(value) }
            return map
        }
        for range in set.ranges where range.lowerBound < 128 {
            for value in range.lowerBound...min(range.upperBound, 127) { mark(value) }
        }
        return set.negated ? (~map.0, ~map.1) : map
    }
}
