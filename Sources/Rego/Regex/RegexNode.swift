/// An empty-width assertion.
enum RegexAssertion: Sendable {
    /// `^` without `m`, `\A`.
    case beginText
    /// `$` without `m`, `\z`.
    case endText
    /// `^` with `m`: at the start or after `\n`.
    case beginLine
    /// `$` with `m`: at the end or before `\n`.
    case endLine
    /// `\b`: between an ASCII word character and a non-word character or an edge.
    case wordBoundary
    /// `\B`.
    case notWordBoundary
}

/// The syntax tree of a parsed RE2 expression, with flags already applied (case folding in the sets, `.` and the
/// anchors resolved, greediness per repetition).
indirect enum RegexNode: Sendable {
    /// Matches the empty string.
    case empty
    /// One scalar.
    case scalar(UInt32)
    /// One scalar of a set.
    case set(RegexScalarSet)
    /// `.` with `s`: any scalar.
    case anyScalar
    /// `.` without `s`: any scalar but `\n`.
    case anyExceptNewline
    case assertion(RegexAssertion)
    /// Capturing group number `index` (from 1).
    case capture(Int, RegexNode)
    /// `min` to `max` (unbounded when `nil`) repetitions, preferring more when `greedy`.
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case concatenation([RegexNode])
    /// Alternatives, preferred left to right.
    case alternation([RegexNode])
}
