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
    /// The number of capture slots: two per group, group 0 being the whole match.
    var slotCount: Int
    /// Whether every match must start at the beginning of the text (the expression begins with `^` or `\A`).
    var anchoredAtStart: Bool
}
