/// Why an expression is not valid RE2, worded as Go's `regexp/syntax` words it.
struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Go's error code text, such as `missing closing )`.
    var code: String
    /// The part of the expression at fault.
    var fragment: String

    /// `error parsing regexp: <code>: `<fragment>``, as Go's `regexp.Compile` reports it.
    var description: String { "error parsing regexp: \(code): `\(fragment)`" }

    static let invalidCharacterClassRange = "invalid character class range"
    static let invalidEscape = "invalid escape sequence"
    static let invalidNamedCapture = "invalid named capture"
    static let duplicateCaptureName = "duplicate capture group name"
    static let invalidPerlOperation = "invalid or unsupported Perl syntax"
    static let invalidRepeatOperation = "invalid nested repetition operator"
    static let invalidRepeatSize = "invalid repeat count"
    static let missingBracket = "missing closing ]"
    static let missingParenthesis = "missing closing )"
    static let missingRepeatArgument = "missing argument to repetition operator"
    static let trailingBackslash = "trailing backslash at end of expression"
    static let unexpectedParenthesis = "unexpected )"
    static let nestingDepth = "expression nests too deeply"
    static let tooLarge = "expression too large"
}
