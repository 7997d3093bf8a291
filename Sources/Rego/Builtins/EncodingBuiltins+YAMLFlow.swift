/// Reads YAML flow nodes (`[a, b]`, `{k: v}`, quoted and plain scalars) from text that may span several lines.
struct YAMLFlowParser {
    private let text: Substring
    private var position: Substring.Index
    private let firstLine: Int
    private var depth = 0

    /// A parser at the start of `text`, whose first line is line `line` of the document.
    init(text: Substring, line: Int) {
        self.text = text
        position = text.startIndex
        firstLine = line
    }

    /// How many UTF-8 bytes of the text have been read.
    var consumedUTF8Count: Int { text.utf8.distance(from: text.startIndex, to: position) }

    /// Whether only white space remains.
    var atEnd: Bool { text[position...].allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" } }

    private var current: Character? { position < text.endIndex ? text[position] : nil }

    private var currentLine: Int { firstLine + text[text.startIndex..<position].filter { $0 == "\n" }.count }

    private func error(_ reason: String) -> YAMLReader.SyntaxError {
        YAMLReader.SyntaxError(line: currentLine, reason: reason)
    }

    private mutating func advance() { position = text.index(after: position) }

    /// Skips spaces, tabs and line breaks.
    mutating func skipSpaces() {
        while let character = current, character == " " || character == "\t" || character == "\n" { advance() }
    }

    /// The whole text as a mapping key: a quoted or plain scalar.
    mutating func parseKey() throws(YAMLReader.SyntaxError) -> Value {
        let value = try parseNode()
        guard atEnd else { throw error("did not find expected key") }
        return value
    }

    /// A flow sequence or mapping starting at the current position.
    mutating func parseCollection() throws(YAMLReader.SyntaxError) -> Value { try parseNode() }

    /// A quoted scalar starting at the current position.
    mutating func parseQuoted() throws(YAMLReader.SyntaxError) -> Value {
        current == "'" ? .string(try readSingleQuoted()) : .string(try readDoubleQuoted())
    }

    private mutating func parseNode() throws(YAMLReader.SyntaxError) -> Value {
        skipSpaces()
        guard let character = current else { throw error("did not find expected node content") }
        switch character {
        case "[": return try parseSequence()
        case "{": return try parseMapping()
        case "\"", "'": return try parseQuoted()
        case "&", "*": throw error("anchors and aliases are not supported")
        case "!":
            var isString = false
            let tagStart = position
            while let next = current, next != " ", next != "\n" { advance() }
            isString = text[tagStart..<position] == "!!str"
            let value = try parseNode()
            if isString, case .string = value { return value }
            if isString { return .string(value.jsonText) }
            return value
        case "]", "}", ",":
            throw error("did not find expected node content")
        default:
            return YAMLScalar.resolve(readPlain())
        }
    }

    private mutating func enter() throws(YAMLReader.SyntaxError) {
        depth += 1
        if depth > 256 { throw error("exceeded max depth of 256") }
    }

    private mutating func parseSequence() throws(YAMLReader.SyntaxError) -> Value {
        try enter()
        defer { depth -= 1 }
        let startLine = currentLine
        advance()
        var elements: [Value] = []
        while true {
            skipSpaces()
            guard let character = current else {
                throw YAMLReader.SyntaxError(line: startLine, reason: "did not find expected ',' or ']'")
            }
            if character == "]" {
                advance()
                return .array(elements)
            }
            var element = try parseNode()
            skipSpaces()
            if current == ":" {
                advance()
                let value = try parseValueAfterColon(closing: "]")
                element = .object(ObjectValue([(.string(YAMLScalar.keyString(element)), value)]))
                skipSpaces()
            }
            elements.append(element)
            if current == "," {
                advance()
            } else if current != "]" {
                throw YAMLReader.SyntaxError(line: startLine, reason: "did not find expected ',' or ']'")
            }
        }
    }

    private mutating func parseMapping() throws(YAMLReader.SyntaxError) -> Value {
        try enter()
        defer { depth -= 1 }
        let startLine = currentLine
        advance()
        var object = ObjectValue()
        while true {
            skipSpaces()
            guard let character = current else {
                throw YAMLReader.SyntaxError(line: startLine, reason: "did not find expected ',' or '}'")
            }
            if character == "}" {
                advance()
                return .object(object)
            }
            let key = try parseNode()
            if case .array = key { throw error("invalid map key") }
            if case .object = key { throw error("invalid map key") }
            skipSpaces()
            var value = Value.null
            if current == ":" {
                advance()
                value = try parseValueAfterColon(closing: "}")
            }
            object[.string(YAMLScalar.keyString(key))] = value
            skipSpaces()
            if current == "," {
                advance()
            } else if current != "}" {
                throw YAMLReader.SyntaxError(line: startLine, reason: "did not find expected ',' or '}'")
            }
        }
    }

    /// The value after `key:` in a flow collection; `null` when the entry ends right there.
    private mutating func parseValueAfterColon(closing: Character) throws(YAMLReader.SyntaxError) -> Value {
        skipSpaces()
        if current == "," || current == closing { return .null }
        return try parseNode()
    }

    /// A plain scalar: up to a flow indicator or a `:` that starts a value; line breaks fold into spaces.
    private mutating func readPlain() -> Substring {
        let start = position
        while let character = current {
            if ",[]{}".contains(character) { break }
            if character == ":" {
                let next = text.index(after: position)
                if next == text.endIndex || " \t\n,[]{}".contains(text[next]) { break }
            }
            advance()
        }
        let words = text[start..<position].split(whereSeparator: { $0 == "\n" })
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty }
        return Substring(words.joined(separator: " "))
    }

    private mutating func readSingleQuoted() throws(YAMLReader.SyntaxError) -> String {
        advance()
        var out = ""
        while let character = current {
            advance()
            if character == "'" {
                if current == "'" {
                    out.append("'")
                    advance()
                    continue
                }
                return out
            }
            if character == "\n" {
                foldLineBreak(into: &out)
            } else {
                out.append(character)
            }
        }
        throw error("found unexpected end of stream")
    }

    private mutating func readDoubleQuoted() throws(YAMLReader.SyntaxError) -> String {
        advance()
        var out = ""
        while let character = current {
            advance()
            switch character {
            case "\"":
                return out
            case "\n":
                foldLineBreak(into: &out)
            case "\\":
                guard let escape = current else { throw error("found unexpected end of stream") }
                advance()
                if escape == "\n" {
                    while let next = current, next == " " || next == "\t" { advance() }
                    continue
                }
                out.unicodeScalars.append(try escapedScalar(escape))
            default:
                out.append(character)
            }
        }
        throw error("found unexpected end of stream")
    }

    /// A line break inside a quoted scalar: trailing spaces go, and it becomes a space, or one line feed per
    /// following empty line.
    private mutating func foldLineBreak(into out: inout String) {
        while let last = out.last, last == " " || last == "\t" { out.removeLast() }
        var emptyLines = 0
        while true {
            while let next = current, next == " " || next == "\t" { advance() }
            guard current == "\n" else { break }
            emptyLines += 1
            advance()
        }
        out += emptyLines == 0 ? " " : String(repeating: "\n", count: emptyLines)
    }

    private mutating func escapedScalar(_ escape: Character) throws(YAMLReader.SyntaxError) -> Unicode.Scalar {
        switch escape {
        case "0": return "\u{00}"
        case "a": return "\u{07}"
        case "b": return "\u{08}"
        case "t", "\t": return "\t"
        case "n": return "\n"
        case "v": return "\u{0B}"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "e": return "\u{1B}"
        case " ": return " "
        case "\"": return "\""
        case "/": return "/"
        case "\\": return "\\"
        case "N": return "\u{85}"
        case "_": return "\u{A0}"
        case "L": return "\u{2028}"
        case "P": return "\u{2029}"
        case "x": return try hexScalar(digits: 2)
        case "u": return try hexScalar(digits: 4)
        case "U": return try hexScalar(digits: 8)
        default: throw error("found unknown escape character while parsing a quoted scalar")
        }
    }

    private mutating func hexScalar(digits: Int) throws(YAMLReader.SyntaxError) -> Unicode.Scalar {
        var code: UInt32 = 0
        for _ in 0..<digits {
            guard let character = current, let digit = character.hexDigitValue else {
                throw error("did not find expected hexdecimal number")
            }
            code = code << 4 | UInt32(digit)
            advance()
        }
        guard let scalar = Unicode.Scalar(code) else { throw error("found invalid Unicode character escape code") }
        return scalar
    }
}

private extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
