/// The RE2 flags in effect at a point of an expression: `i`, `m`, `s` and `U`.
struct RegexFlags: Sendable, Equatable {
    /// `i`: letters match their simple case variants.
    var foldCase = false
    /// `m`: `^` and `$` also match at line starts and ends.
    var multiLine = false
    /// `s`: `.` also matches `\n`.
    var dotMatchesNewline = false
    /// `U`: repetitions prefer fewer unless followed by `?`.
    var ungreedy = false
}
