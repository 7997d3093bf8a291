/// A Go RE2 pattern rewritten for ICU (`NSRegularExpression`), with the capture groups it declares.
struct TranslatedRegex: Sendable {
    /// The ICU pattern.
    var pattern: String
    /// The number of capturing groups.
    var groupCount: Int
    /// Capture group numbers by name, from `(?P<name>…)` and `(?<name>…)`.
    var groupNames: [String: Int]
}

/// Rewrites RE2 syntax into ICU syntax with the same meaning, and rejects what RE2 rejects but ICU would accept
/// (back-references, look-around, nested repetition, repeat counts above 1000).
///
/// The differences handled: `$` means end of text (ICU's `\z`) unless multi-line mode is on; `.` excludes only `\n`
/// (ICU also excludes `\r` and other line ends) unless `s` mode is on; `\v` is the vertical tab; `\d`, `\w`, `\s` and
/// POSIX classes are ASCII-only; named groups become plain groups (ICU forbids `_` in names); inside brackets `[`, `&`,
/// `$`, `{` and `}` are literal; `{` that does not start a repeat count is literal.
struct RE2Translator {
    private let source: [Unicode.Scalar]
    private let sourceText: String
    private var index = 0
    private var output = ""
    private var groupCount = 0
    private var groupNames: [String: Int] = [:]
    private var multiline = false
    private var dotMatchesNewline = false
    private var previous = Previous.nothing

    /// What precedes the current position, for validating repetition operators.
    private enum Previous {
        case nothing
        case atom
        case repetition
        case lazyRepetition
    }

    /// RE2's ASCII classes, as ICU set contents.
    static let posixClasses: [String: String] = [
        "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7F", "blank": "\\t ",
        "cntrl": "\\x00-\\x1F\\x7F", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
        "punct": "!-/:-@\\[-`\\{-~", "space": "\\t\\n\\x0B\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_",
        "xdigit": "0-9A-Fa-f",
    ]

    private init(_ pattern: String) {
        source = Array(pattern.unicodeScalars)
        sourceText = pattern
    }

    /// The ICU form of RE2 `pattern`.
    /// - Throws: `BuiltinError.failure` with Go's `error parsing regexp: …` wording.
    static func translate(_ pattern: String) throws -> TranslatedRegex {
        var translator = RE2Translator(pattern)
        try translator.run()
        if translator.output.isEmpty { translator.output = "(?:)" }
        return TranslatedRegex(pattern: translator.output, groupCount: translator.groupCount,
                               groupNames: translator.groupNames)
    }

    private func failure(_ reason: String, _ fragment: String) -> BuiltinError {
        BuiltinError.failure("error parsing regexp: \(reason): `\(fragment)`")
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < source.count ? source[index + offset] : nil
    }

    private mutating func run() throws {
        while let scalar = peek() {
            index += 1
            switch scalar {
            case "\\": try escape()
            case "[": try characterClass()
            case "(": try group()
            case ")":
                output += ")"
                previous = .atom
            case "|":
                output += "|"
                previous = .nothing
            case "*", "+", "?": try repetition(String(scalar))
            case "{":
                if let count = try repeatCount() {
                    try repetition(count)
                } else {
                    output += "\\{"
                    previous = .atom
                }
            case "}", "]":
                output += "\\" + String(scalar)
                previous = .atom
            case "$":
                output += multiline ? "$" : "\\z"
                previous = .atom
            case ".":
                output += dotMatchesNewline ? "." : "[^\\n]"
                previous = .atom
            default:
                output.unicodeScalars.append(scalar)
                previous = .atom
            }
        }
    }

    private mutating func repetition(_ operatorText: String) throws {
        switch previous {
        case .nothing:
            throw failure("missing argument to repetition operator", operatorText)
        case .repetition where operatorText == "?":
            output += "?"
            previous = .lazyRepetition
        case .repetition, .lazyRepetition:
            throw failure("invalid nested repetition operator", operatorText)
        case .atom:
            output += operatorText
            previous = .repetition
        }
    }

    /// Reads `{n}`, `{n,}` or `{n,m}` after the `{`, returning its text, or `nil` (consuming nothing) when the brace
    /// is a literal.
    private mutating func repeatCount() throws -> String? {
        var cursor = index
        func number() -> Int? {
            var value = 0
            var any = false
            while cursor < source.count, ("0"..."9").contains(source[cursor]) {
                value = min(value * 10 + Int(source[cursor].value - 48), 100_000)
                any = true
                cursor += 1
            }
            return any ? value : nil
        }
        guard let minimum = number() else { return nil }
        var maximum: Int? = minimum
        if cursor < source.count, source[cursor] == "," {
            cursor += 1
            maximum = number()
        }
        guard cursor < source.count, source[cursor] == "}" else { return nil }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: source[(index - 1)...cursor])
        index = cursor + 1
        if minimum > 1000 || (maximum ?? 0) > 1000 || (maximum.map { $0 < minimum } ?? false) {
            throw failure("invalid repeat count", String(text))
        }
        return String(text)
    }

    private mutating func escape() throws {
        guard let next = peek() else { throw failure("trailing backslash at end of expression", "") }
        index += 1
        previous = .atom
        switch next {
        case "1"..."9": throw failure("invalid escape sequence", "\\" + String(next))
        case "v": output += "\\x0B"
        case "d": output += "[0-9]"
        case "D": output += "[^0-9]"
        case "w": output += "[0-9A-Za-z_]"
        case "W": output += "[^0-9A-Za-z_]"
        case "s": output += "[\\t\\n\\f\\r ]"
        case "S": output += "[^\\t\\n\\f\\r ]"
        case "Q":
            output += "\\Q"
            while let scalar = peek() {
                if scalar == "\\", peek(1) == "E" { break }
                output.unicodeScalars.append(scalar)
                index += 1
            }
            output += "\\E"
            if peek() != nil { index += 2 }
        case "p", "P", "x": copyEscapeArgument(next)
        default:
            try copyPlainEscape(next, allowed: "afnrtAbBzE0")
        }
    }

    /// Copies an escape that means the same in RE2 and ICU; a letter RE2 does not know (`\Z`, `\h`, `\R`, …) is
    /// an error, as is a back-reference.
    private mutating func copyPlainEscape(_ next: Unicode.Scalar, allowed letters: String) throws {
        let isLetterOrDigit = next.properties.isAlphabetic || ("0"..."9").contains(next)
        guard !isLetterOrDigit || letters.unicodeScalars.contains(next) else {
            throw failure("invalid escape sequence", "\\" + String(next))
        }
        output += "\\"
        output.unicodeScalars.append(next)
    }

    /// Copies `\p{Greek}`, `\x{263a}` or `\x41` whole, and writes `\pL` as `\p{L}`.
    private mutating func copyEscapeArgument(_ letter: Unicode.Scalar) {
        output += "\\"
        output.unicodeScalars.append(letter)
        if peek() == "{" {
            while let scalar = peek() {
                output.unicodeScalars.append(scalar)
                index += 1
                if scalar == "}" { break }
            }
        } else if letter != "x", let name = peek() {
            output += "{" + String(name) + "}"
            index += 1
        } else {
            for _ in 0..<2 {
                guard let scalar = peek() else { break }
                output.unicodeScalars.append(scalar)
                index += 1
            }
        }
    }

    private mutating func characterClass() throws {
        let start = index - 1
        output += "["
        if peek() == "^" {
            output += "^"
            index += 1
        }
        if peek() == "]" {
            output += "\\]"
            index += 1
        }
        while let scalar = peek() {
            index += 1
            switch scalar {
            case "]":
                output += "]"
                previous = .atom
                return
            case "\\":
                guard let next = peek() else { throw failure("trailing backslash at end of expression", "") }
                index += 1
                switch next {
                case "d": output += "0-9"
                case "w": output += "0-9A-Za-z_"
                case "s": output += "\\t\\n\\f\\r "
                case "p", "P", "x": copyEscapeArgument(next)
                case "v": output += "\\x0B"
                default: try copyPlainEscape(next, allowed: "afnrtDSW0")
                }
            case "[":
                if peek() == ":", let className = posixClassName() {
                    guard let contents = RE2Translator.posixClasses[className] else {
                        throw failure("invalid character class range", "[:\(className):]")
                    }
                    output += contents
                } else {
                    output += "\\["
                }
            case "&", "$", "{", "}":
                output += "\\" + String(scalar)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        var fragment = String.UnicodeScalarView()
        fragment.append(contentsOf: source[start...])
        throw failure("missing closing ]", String(fragment))
    }

    /// Reads `:name:]` after a `[` inside a class, returning the name, or `nil` (consuming nothing) if absent.
    private mutating func posixClassName() -> String? {
        var cursor = index + 1
        var name = ""
        while cursor + 1 < source.count, source[cursor] != ":" {
            name.unicodeScalars.append(source[cursor])
            cursor += 1
        }
        guard cursor + 1 < source.count, source[cursor] == ":", source[cursor + 1] == "]", !name.isEmpty else {
            return nil
        }
        index = cursor + 2
        return name
    }

    private mutating func group() throws {
        previous = .nothing
        guard peek() == "?" else {
            groupCount += 1
            output += "("
            return
        }
        if peek(1) == "P" && peek(2) == "<" || peek(1) == "<" && peek(2) != "=" && peek(2) != "!" {
            index += peek(1) == "P" ? 3 : 2
            var name = ""
            while let scalar = peek(), scalar != ">" {
                name.unicodeScalars.append(scalar)
                index += 1
            }
            let valid = peek() == ">" && !name.isEmpty
                && name.unicodeScalars.allSatisfy { scalar in
                    scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                }
            guard valid, groupNames[name] == nil else {
                throw failure(valid ? "duplicate capture group name" : "invalid named capture", "(?P<\(name)>")
            }
            index += 1
            groupCount += 1
            groupNames[name] = groupCount
            output += "("
            return
        }
        index += 1
        var flags = ""
        while let scalar = peek(), scalar != ":", scalar != ")" {
            guard "imsU-".unicodeScalars.contains(scalar) else {
                throw failure("invalid or unsupported Perl syntax", "(?" + flags + String(scalar))
            }
            flags.unicodeScalars.append(scalar)
            index += 1
        }
        guard let terminator = peek() else { throw failure("missing closing )", sourceText) }
        guard !flags.contains("U") else { throw failure("unsupported ungreedy flag", "(?" + flags) }
        let negation = flags.firstIndex(of: "-")
        if let m = flags.firstIndex(of: "m") { multiline = !(negation.map { $0 < m } ?? false) }
        if let s = flags.firstIndex(of: "s") { dotMatchesNewline = !(negation.map { $0 < s } ?? false) }
        index += 1
        output += "(?" + flags + String(terminator)
    }
}
