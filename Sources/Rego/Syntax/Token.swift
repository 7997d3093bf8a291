/// A lexical token of Rego source.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case string(String)
        case rawString(String)
        /// `$"..."` or `` $`...` ``: the literal pieces and, between them, the source of each `{expression}`.
        case template([TemplatePiece])
        case number(String)
        case punctuation(String)
        case end
    }

    let kind: Kind
    let location: Location
    /// Whether whitespace (or a comment) separates this token from the previous one.
    let followsSpace: Bool
    /// Whether a line break separates this token from the previous one.
    let followsNewline: Bool

    func isPunctuation(_ text: String) -> Bool {
        if case .punctuation(let p) = kind { return p == text }
        return false
    }

    func isIdentifier(_ text: String) -> Bool {
        if case .identifier(let i) = kind { return i == text }
        return false
    }
}

/// A piece of a template string: literal text, or the source of an embedded expression with its location.
enum TemplatePiece: Sendable, Equatable {
    case text(String)
    case expression(String, Location)
}
