/// Splits Rego source into tokens.
struct Lexer {
    private let bytes: [UInt8]
    private let file: String
    private var position = 0
    private var line = 1
    private var lineStart = 0

    init(source: String, file: String, line: Int = 1, column: Int = 1) {
        self.bytes = Array(source.utf8)
        self.file = file
        self.line = line
        self.lineStart = -(column - 1)
    }

    private var location: Location { Location(file: file, line: line, column: position - lineStart + 1) }

    private func error(_ message: String) -> RegoError {
        RegoError(code: .parse, message: message, location: location)
    }

    /// All tokens, ending with `.end`.
    mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let (space, newline) = skipTrivia()
            let start = location
            guard position < bytes.count else {
                tokens.append(Token(kind: .end, location: start, followsSpace: true, followsNewline: true))
                return tokens
            }
            let kind = try nextKind()
            tokens.append(Token(kind: kind, location: start, followsSpace: space, followsNewline: newline))
        }
    }

    private mutating func skipTrivia() -> (space: Bool, newline: Bool) {
        var space = position == 0
        var newline = position == 0
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D:
                space = true
                position += 1
            case 0x0A:
                space = true
                newline = true
                position += 1
                line += 1
                lineStart = position
            case UInt8(ascii: "#"):
                space = true
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
            default:
                return (space, newline)
            }
        }
        return (space, newline)
    }

    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_")
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private mutating func nextKind() throws -> Token.Kind {
        let b = bytes[position]
        if Lexer.isIdentifierStart(b) {
            let start = position
            while position < bytes.count, Lexer.isIdentifierStart(bytes[position]) || Lexer.isDigit(bytes[position]) {
                position += 1
            }
            return .identifier(String(decoding: bytes[start..<position], as: UTF8.self))
        }
        if Lexer.isDigit(b) { return .number(try readNumber()) }
        if b == UInt8(ascii: "\"") { return .string(try readQuoted()) }
        if b == UInt8(ascii: "`") { return .rawString(try readRaw()) }
        if b == UInt8(ascii: "$"), position + 1 < bytes.count,
           bytes[position + 1] == UInt8(ascii: "\"") || bytes[position + 1] == UInt8(ascii: "`") {
            position += 1
            return .template(try readTemplate())
        }
        for twoCharacter in ["==", "!=", "<=", ">=", ":="] where matches(twoCharacter) {
            position += 2
            return .punctuation(twoCharacter)
        }
        let singles = "{}[]().,;:=<>+-*/%&|"
        if singles.utf8.contains(b) {
            position += 1
            return .punctuation(String(UnicodeScalar(b)))
        }
        throw error("unexpected character '\(String(UnicodeScalar(b)))'")
    }

    private func matches(_ text: String) -> Bool {
        var index = position
        for byte in text.utf8 {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    private mutating func readNumber() throws -> String {
        let start = position
        while position < bytes.count, Lexer.isDigit(bytes[position]) { position += 1 }
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."), Lexer.isDigit(bytes[position + 1]) {
            position += 1
            while position < bytes.count, Lexer.isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var probe = position + 1
            if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-") { probe += 1 }
            if probe < bytes.count, Lexer.isDigit(bytes[probe]) {
                position = probe
                while position < bytes.count, Lexer.isDigit(bytes[position]) { position += 1 }
            }
        }
        if position < bytes.count, Lexer.isIdentifierStart(bytes[position]) {
            throw error("invalid number")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Reads a `"..."` string with JSON escapes.
    private mutating func readQuoted() throws -> String {
        let start = position
        position += 1
        var escaped = false
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x0A { break }
            position += 1
            if escaped {
                escaped = false
            } else if c == UInt8(ascii: "\\") {
                escaped = true
            } else if c == UInt8(ascii: "\"") {
                do {
                    guard case .string(let s) = try JSONReader.parse(Array(bytes[start..<position])) else {
                        throw error("invalid string")
                    }
                    return s
                } catch is JSONReader.SyntaxError {
                    throw error("invalid string literal")
                }
            }
        }
        throw error("unterminated string")
    }

    private mutating func readRaw() throws -> String {
        position += 1
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "`") {
            if bytes[position] == 0x0A {
                line += 1
                lineStart = position + 1
            }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated raw string") }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        position += 1
        return text
    }

    /// Reads the body of a template string after `$`: literal text with `\{` escapes, and `{expr}` holes.
    private mutating func readTemplate() throws -> [TemplatePiece] {
        let raw = bytes[position] == UInt8(ascii: "`")
        let close = bytes[position]
        position += 1
        var pieces: [TemplatePiece] = []
        var text: [UInt8] = []
        func flushText() throws {
            guard !text.isEmpty else { return }
            if raw {
                pieces.append(.text(String(decoding: text, as: UTF8.self)))
            } else {
                guard case .string(let s) = try JSONReader.parse([0x22] + text + [0x22]) else { return }
                pieces.append(.text(s))
            }
            text.removeAll()
        }
        while position < bytes.count {
            let c = bytes[position]
            if c == close {
                position += 1
                do { try flushText() } catch { throw self.error("invalid template string") }
                return pieces
            }
            if c == 0x0A {
                guard raw else { break }
                line += 1
                lineStart = position + 1
            }
            if !raw, c == UInt8(ascii: "\\"), position + 1 < bytes.count {
                if bytes[position + 1] == UInt8(ascii: "{") {
                    text.append(UInt8(ascii: "{"))
                    position += 2
                    continue
                }
                text.append(c)
                text.append(bytes[position + 1])
                position += 2
                continue
            }
            if raw, c == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "{") {
                text.append(UInt8(ascii: "{"))
                position += 2
                continue
            }
            if c == UInt8(ascii: "{") {
                do { try flushText() } catch { throw self.error("invalid template string") }
                position += 1
                let exprStart = location
                let start = position
                var depth = 0
                while position < bytes.count {
                    let d = bytes[position]
                    if d == UInt8(ascii: "\"") {
                        _ = try readQuoted()
                        continue
                    }
                    if d == UInt8(ascii: "`") {
                        _ = try readRaw()
                        continue
                    }
                    if d == UInt8(ascii: "{") { depth += 1 }
                    if d == UInt8(ascii: "}") {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    if d == 0x0A {
                        line += 1
                        lineStart = position + 1
                    }
                    position += 1
                }
                guard position < bytes.count else { break }
                pieces.append(.expression(String(decoding: bytes[start..<position], as: UTF8.self), exprStart))
                position += 1
                continue
            }
            text.append(c)
            position += 1
        }
        throw error("unterminated template string")
    }
}
