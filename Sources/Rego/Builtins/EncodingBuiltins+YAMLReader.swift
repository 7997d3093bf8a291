/// Reads the YAML that policies and their data use into values, as OPA's `yaml.unmarshal` sees it through a YAML to
/// JSON conversion: block and flow collections, plain, quoted and block scalars, YAML 1.1 booleans, and mapping keys
/// turned into strings. Anchors, aliases and complex keys are not supported and read as errors.
struct YAMLReader {
    /// Why a document could not be read, in go-yaml's words: `yaml: line 1: did not find expected ',' or ']'`.
    struct SyntaxError: Error, Sendable {
        let line: Int
        let reason: String
        var message: String { "yaml: line \(line): \(reason)" }
    }

    /// One line that holds content: its number (1-based), its indentation in spaces, and its text after the
    /// indentation with any comment removed.
    struct Line: Sendable {
        let number: Int
        let indent: Int
        let text: Substring
    }

    private let rawLines: [Substring]
    private var lines: [Line]
    private var index = 0
    private var depth = 0

    private init(rawLines: [Substring], lines: [Line]) {
        self.rawLines = rawLines
        self.lines = lines
    }

    /// Parses the first document of `text`. An empty document is `null`.
    static func parse(_ text: String) throws(SyntaxError) -> Value {
        let rawLines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.last == "\r" ? line.dropLast() : line
        }
        var reader = YAMLReader(rawLines: rawLines, lines: try contentLines(of: rawLines))
        guard !reader.lines.isEmpty else { return .null }
        let value = try reader.parseBlockNode(parentIndent: -1)
        if reader.index < reader.lines.count {
            throw SyntaxError(line: reader.lines[reader.index].number, reason: "did not find expected <document start>")
        }
        return value
    }

    /// The lines of the first document that hold content, without blank lines, comment lines, directives and the
    /// document markers.
    private static func contentLines(of rawLines: [Substring]) throws(SyntaxError) -> [Line] {
        var lines: [Line] = []
        var sawContent = false
        for (offset, raw) in rawLines.enumerated() {
            let indent = raw.prefix { $0 == " " }.count
            var text = raw.dropFirst(indent)
            if text.first == "\t", text.contains(where: { $0 != " " && $0 != "\t" }) {
                throw SyntaxError(line: offset + 1, reason: "found character that cannot start any token")
            }
            text = stripComment(text)
            if text.isEmpty { continue }
            if indent == 0, text.hasPrefix("%"), !sawContent { continue }
            if indent == 0, text == "---" || text.hasPrefix("--- ") || text == "..." {
                if sawContent || text == "..." { break }
                sawContent = true
                let rest = text.dropFirst(3).drop { $0 == " " }
                if !rest.isEmpty { lines.append(Line(number: offset + 1, indent: raw.count - rest.count, text: rest)) }
                continue
            }
            sawContent = true
            lines.append(Line(number: offset + 1, indent: indent, text: text))
        }
        return lines
    }

    // MARK: block structure

    private mutating func enter(_ line: Line) throws(SyntaxError) {
        depth += 1
        if depth > 256 { throw SyntaxError(line: line.number, reason: "exceeded max depth of 256") }
    }

    /// The node that starts at the current line; continuation lines must be indented beyond `parentIndent`.
    private mutating func parseBlockNode(parentIndent: Int) throws(SyntaxError) -> Value {
        let line = lines[index]
        try enter(line)
        defer { depth -= 1 }
        if YAMLReader.isSequenceEntry(line.text) { return try parseSequence(indent: line.indent) }
        if YAMLReader.splitMappingEntry(line.text) != nil { return try parseMapping(indent: line.indent) }
        return try parseInlineNode(parentIndent: parentIndent)
    }

    private mutating func parseSequence(indent: Int) throws(SyntaxError) -> Value {
        var elements: [Value] = []
        while index < lines.count, lines[index].indent == indent, YAMLReader.isSequenceEntry(lines[index].text) {
            let line = lines[index]
            let rest = line.text.dropFirst().drop { $0 == " " || $0 == "\t" }
            if rest.isEmpty {
                index += 1
                let nested = index < lines.count && lines[index].indent > indent
                elements.append(nested ? try parseBlockNode(parentIndent: indent) : .null)
            } else {
                lines[index] = Line(number: line.number, indent: indent + line.text.count - rest.count, text: rest)
                elements.append(try parseBlockNode(parentIndent: indent))
            }
        }
        return .array(elements)
    }

    private mutating func parseMapping(indent: Int) throws(SyntaxError) -> Value {
        var object = ObjectValue()
        while index < lines.count, lines[index].indent == indent {
            let line = lines[index]
            if YAMLReader.isSequenceEntry(line.text) {
                throw SyntaxError(line: line.number, reason: "did not find expected key")
            }
            guard let entry = YAMLReader.splitMappingEntry(line.text) else {
                throw SyntaxError(line: line.number, reason: "could not find expected ':'")
            }
            let key = try YAMLReader.keyText(entry.key, line: line.number)
            let value: Value
            if entry.rest.isEmpty {
                index += 1
                if index < lines.count, lines[index].indent > indent {
                    value = try parseBlockNode(parentIndent: indent)
                } else if index < lines.count, lines[index].indent == indent,
                          YAMLReader.isSequenceEntry(lines[index].text) {
                    value = try parseSequence(indent: indent)
                } else {
                    value = .null
                }
            } else {
                lines[index] = Line(number: line.number, indent: indent + line.text.count - entry.rest.count,
                                    text: entry.rest)
                value = try parseInlineNode(parentIndent: indent)
            }
            object[.string(key)] = value
        }
        return .object(object)
    }

    // MARK: inline nodes

    /// The node written on the current line after any `- ` or `key: `: a block scalar, a flow collection, a quoted
    /// scalar, or a plain scalar that may continue on more-indented lines.
    private mutating func parseInlineNode(parentIndent: Int) throws(SyntaxError) -> Value {
        let line = lines[index]
        var text = line.text
        var forceString = false
        if text.hasPrefix("!") {
            let tag = text.prefix { $0 != " " }
            forceString = tag == "!!str"
            text = text.dropFirst(tag.count).drop { $0 == " " }
            if text.isEmpty {
                index += 1
                return forceString ? .string("") : .null
            }
        }
        switch text.first {
        case "|", ">":
            return .string(try readBlockScalar(header: text, line: line, parentIndent: parentIndent))
        case "[", "{":
            return try parseFlowCollection(startingWith: text, line: line)
        case "&", "*":
            throw SyntaxError(line: line.number, reason: "anchors and aliases are not supported")
        case "\"", "'":
            index += 1
            var flow = YAMLFlowParser(text: text, line: line.number)
            let value = try flow.parseQuoted()
            guard flow.atEnd else { throw SyntaxError(line: line.number, reason: "did not find expected key") }
            return value
        default:
            return try parsePlainScalar(first: text, line: line, parentIndent: parentIndent, forceString: forceString)
        }
    }

    private mutating func parsePlainScalar(first: Substring, line: Line, parentIndent: Int,
                                           forceString: Bool) throws(SyntaxError) -> Value {
        var parts = [first]
        index += 1
        while index < lines.count, lines[index].indent > parentIndent {
            parts.append(lines[index].text)
            index += 1
        }
        for part in parts where YAMLReader.splitMappingEntry(part) != nil || part.hasSuffix(":") {
            throw SyntaxError(line: line.number, reason: "mapping values are not allowed in this context")
        }
        let text = parts.joined(separator: " ")
        return forceString ? .string(text) : YAMLScalar.resolve(Substring(text))
    }

    /// A flow collection that may span several lines; it must end its last line.
    private mutating func parseFlowCollection(startingWith text: Substring, line: Line) throws(SyntaxError) -> Value {
        var joined = String(text)
        var lineEnds = [joined.utf8.count]
        var nesting = YAMLReader.bracketBalance(text)
        var next = index + 1
        while nesting > 0, next < lines.count {
            joined += "\n" + lines[next].text
            lineEnds.append(joined.utf8.count)
            nesting += YAMLReader.bracketBalance(lines[next].text)
            next += 1
        }
        var flow = YAMLFlowParser(text: Substring(joined), line: line.number)
        let value = try flow.parseCollection()
        let consumed = flow.consumedUTF8Count
        let lastLine = lineEnds.firstIndex { consumed <= $0 } ?? lineEnds.count - 1
        flow.skipSpaces()
        if flow.consumedUTF8Count < lineEnds[lastLine] {
            throw SyntaxError(line: lines[index + lastLine].number, reason: "did not find expected <document start>")
        }
        index += lastLine + 1
        return value
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is `header`, with its chomping and indentation
    /// indicators.
    private mutating func readBlockScalar(header: Substring, line: Line, parentIndent: Int) throws(SyntaxError) -> String {
        let folded = header.first == ">"
        var chomping: Character = " "
        var explicitIndent: Int? = nil
        for character in header.dropFirst() {
            if character == "+" || character == "-" {
                chomping = character
            } else if let digit = character.wholeNumberValue, digit > 0 {
                explicitIndent = digit
            } else if character != " " {
                throw SyntaxError(line: line.number, reason: "did not find expected comment or line break")
            }
        }
        var content: [Substring] = []
        var contentIndent = explicitIndent.map { max(parentIndent, 0) + $0 }
        var rawIndex = line.number
        while rawIndex < rawLines.count {
            let raw = rawLines[rawIndex]
            let indent = raw.prefix { $0 == " " }.count
            let blank = raw.allSatisfy { $0 == " " }
            if !blank {
                if contentIndent == nil { contentIndent = indent }
                guard let required = contentIndent, indent >= required, indent > parentIndent else { break }
            }
            content.append(blank ? "" : raw.dropFirst(contentIndent ?? 0))
            rawIndex += 1
        }
        while index < lines.count, lines[index].number <= rawIndex { index += 1 }
        var trailingBreaks = 0
        while let last = content.last, last.isEmpty {
            trailingBreaks += 1
            content.removeLast()
        }
        var text = folded ? YAMLReader.fold(content) : content.joined(separator: "\n")
        switch chomping {
        case "-": break
        case "+": text += String(repeating: "\n", count: trailingBreaks + (content.isEmpty ? 0 : 1))
        default: if !content.isEmpty { text += "\n" }
        }
        return text
    }
}
