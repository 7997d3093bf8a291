/// A parsed RE2 expression: its tree and its capturing groups.
struct ParsedRegex: Sendable {
    var node: RegexNode
    /// The number of capturing groups.
    var captureCount: Int
    /// Capture group numbers by name, from `(?P<name>…)` and `(?<name>…)`.
    var captureNames: [String: Int]
}

/// Parses Go RE2 syntax (Go's `regexp` with its default Perl flags) and rejects what Go rejects: back-references,
/// look-around, possessive and nested repetition, repeat counts above 1000, unknown escapes and classes.
struct RegexParser {
    /// Go's limit on group nesting.
    static let maxDepth = 1000
    /// Go's limit on a repeat count, and on the product of nested counts.
    static let maxRepeat = 1000

    private let source: [Unicode.Scalar]
    private var index = 0
    private var flags = RegexFlags()
    private var captureCount = 0
    private var captureNames: [String: Int] = [:]
    private var depth = 0

    private init(_ pattern: String) {
        source = Array(pattern.unicodeScalars)
    }

    /// Parses `pattern`.
    /// - Throws: `RegexSyntaxError` naming what is wrong and where.
    static func parse(_ pattern: String) throws(RegexSyntaxError) -> ParsedRegex {
        var parser = RegexParser(pattern)
        let node = try parser.parseAlternation()
        if parser.peek() == ")" { throw RegexSyntaxError(code: RegexSyntaxError.unexpectedParenthesis, fragment: pattern) }
        return ParsedRegex(node: node, captureCount: parser.captureCount, captureNames: parser.captureNames)
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < source.count ? source[index + offset] : nil
    }

    private func text(_ range: Range<Int>) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: source[max(0, range.lowerBound)..<min(source.count, range.upperBound)])
        return String(out)
    }

    private func error(_ code: String, _ range: Range<Int>) -> RegexSyntaxError {
        RegexSyntaxError(code: code, fragment: text(range))
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseConcatenation()]
        while peek() == "|" {
            index += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        // Where the repetition operator just read began, to reject a second one straight after it (`a**`).
        var lastRepeatStart: Int?
        while let scalar = peek(), scalar != "|", scalar != ")" {
            let start = index
            var repeatStart: Int?
            switch scalar {
            case "*", "+", "?":
                index += 1
                let bounds: (Int, Int?) = scalar == "*" ? (0, nil) : scalar == "+" ? (1, nil) : (0, 1)
                try repeatLast(&items, min: bounds.0, max: bounds.1, start: start, lastRepeatStart: lastRepeatStart,
                               counted: false)
                repeatStart = start
            case "{":
                if let (minimum, maximum) = try repeatCount() {
                    try repeatLast(&items, min: minimum, max: maximum, start: start, lastRepeatStart: lastRepeatStart,
                                   counted: true)
                    repeatStart = start
                } else {
                    index += 1
                    items.append(literal(scalar.value))
                }
            case "(":
                if let group = try parseGroup() { items.append(group) }
            case "[":
                items.append(.set(try parseClass()))
            case ".":
                index += 1
                items.append(flags.dotMatchesNewline ? .anyScalar : .anyExceptNewline)
            case "^":
                index += 1
                items.append(.assertion(flags.multiLine ? .beginLine : .beginText))
            case "$":
                index += 1
                items.append(.assertion(flags.multiLine ? .endLine : .endText))
            case "\\":
                try parseEscapeAtom(into: &items)
            default:
                index += 1
                items.append(literal(scalar.value))
            }
            lastRepeatStart = repeatStart
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    /// Applies a repetition to the last item, with Go's checks: something to repeat, no operator straight after
    /// another, counts within 1000 (also multiplied through nested counted repetitions).
    private mutating func repeatLast(
        _ items: inout [RegexNode], min minimum: Int, max maximum: Int?, start: Int, lastRepeatStart: Int?,
        counted: Bool
    ) throws(RegexSyntaxError) {
        var greedy = true
        if peek() == "?" {
            index += 1
            greedy = false
        }
        if flags.ungreedy { greedy.toggle() }
        if let lastRepeatStart { throw error(RegexSyntaxError.invalidRepeatOperation, lastRepeatStart..<index) }
        guard let last = items.popLast() else {
            throw error(RegexSyntaxError.missingRepeatArgument, start..<index)
        }
        let node = RegexNode.repetition(last, min: minimum, max: maximum, greedy: greedy)
        if counted, !RegexParser.repeatIsValid(node, RegexParser.maxRepeat) {
            throw error(RegexSyntaxError.invalidRepeatSize, start..<index)
        }
        items.append(node)
    }

    /// Go's check that nested counted repetitions do not multiply beyond `limit`.
    private static func repeatIsValid(_ node: RegexNode, _ limit: Int) -> Bool {
        var limit = limit
        switch node {
        case .repetition(let sub, let minimum, let maximum, _):
            if maximum == 0 { return true }
            let count = maximum ?? minimum
            if count > limit { return false }
            if count > 0 { limit /= count }
            return repeatIsValid(sub, limit)
        case .capture(_, let sub):
            return repeatIsValid(sub, limit)
        case .concatenation(let subs), .alternation(let subs):
            return subs.allSatisfy { repeatIsValid($0, limit) }
        default:
            return true
        }
    }

    /// Reads `{n}`, `{n,}` or `{n,m}` at the `{`, or returns `nil` (consuming nothing) when the brace is a literal.
    private mutating func repeatCount() throws(RegexSyntaxError) -> (Int, Int?)? {
        let start = index
        var cursor = index + 1
        func number() -> Int?? {
            let first = cursor
            var value = 0
            while cursor < source.count, ("0"..."9").contains(source[cursor]) {
                value = Swift.min(value * 10 + Int(source[cursor].value - 48), 100_000_000)
                cursor += 1
            }
            if cursor == first { return .none }
            // Go takes a leading zero followed by digits as no count at all.
            if cursor - first >= 2, source[first] == "0" { return .some(nil) }
            return .some(value)
        }
        guard case .some(let minimumValue) = number(), let minimum = minimumValue else { return nil }
        var maximum: Int? = minimum
        if cursor < source.count, source[cursor] == "," {
            cursor += 1
            switch number() {
            case .none: maximum = nil
            case .some(.none): return nil
            case .some(.some(let value)): maximum = value
            }
        }
        guard cursor < source.count, source[cursor] == "}" else { return nil }
        index = cursor + 1
        if minimum > RegexParser.maxRepeat || (maximum ?? 0) > RegexParser.maxRepeat
            || (maximum.map { $0 < minimum } ?? false) {
            throw error(RegexSyntaxError.invalidRepeatSize, start..<index)
        }
        return (minimum, maximum)
    }

    /// A literal scalar under the current flags: with `i`, the set of its case variants.
    private func literal(_ value: UInt32) -> RegexNode {
        guard flags.foldCase else { return .scalar(value) }
        let orbit = RegexCaseFolding.orbit(of: value)
        if orbit.isEmpty { return .scalar(value) }
        var set = RegexScalarSet()
        set.add(value)
        for variant in orbit { set.add(variant) }
        return .set(set)
    }

    // MARK: Groups

    /// Parses a group at `(`; `nil` for a flags-only group `(?i)`, which changes the flags for the rest of the
    /// enclosing group.
    private mutating func parseGroup() throws(RegexSyntaxError) -> RegexNode? {
        let start = index
        index += 1
        var captureIndex: Int?
        var groupFlags = flags
        if peek() == "?" {
            if peek(1) == "P" && peek(2) == "<" || peek(1) == "<" {
                captureIndex = try parseCaptureName(start: start)
            } else {
                index += 1
                var sign = 1
                var sawFlag = false
                while true {
                    guard let scalar = peek() else {
                        throw RegexSyntaxError(code: RegexSyntaxError.missingParenthesis, fragment: text(0..<source.count))
                    }
                    index += 1
                    switch scalar {
                    case "i": groupFlags.foldCase = sign > 0
                    case "m": groupFlags.multiLine = sign > 0
                    case "s": groupFlags.dotMatchesNewline = sign > 0
                    case "U": groupFlags.ungreedy = sign > 0
                    case "-" where sign > 0:
                        sign = -1
                        sawFlag = false
                        continue
                    case ":", ")":
                        if sign < 0 && !sawFlag { throw error(RegexSyntaxError.invalidPerlOperation, start..<index) }
                        if scalar == ")" {
                            flags = groupFlags
                            return nil
                        }
                    default:
                        throw error(RegexSyntaxError.invalidPerlOperation, start..<index)
                    }
                    if scalar == ":" { break }
                    sawFlag = true
                }
            }
        } else {
            captureCount += 1
            captureIndex = captureCount
        }
        depth += 1
        if depth > RegexParser.maxDepth {
            throw RegexSyntaxError(code: RegexSyntaxError.nestingDepth, fragment: text(0..<source.count))
        }
        let outerFlags = flags
        flags = groupFlags
        let inner = try parseAlternation()
        flags = outerFlags
        depth -= 1
        guard peek() == ")" else {
            throw RegexSyntaxError(code: RegexSyntaxError.missingParenthesis, fragment: text(0..<source.count))
        }
        index += 1
        if let captureIndex { return .capture(captureIndex, inner) }
        return inner
    }

    /// Reads `(?P<name>` or `(?<name>` and numbers the group.
    private mutating func parseCaptureName(start: Int) throws(RegexSyntaxError) -> Int {
        index += peek(1) == "P" ? 3 : 2
        let nameStart = index
        while let scalar = peek(), scalar != ">" { index += 1 }
        guard peek() == ">" else { throw error(RegexSyntaxError.invalidNamedCapture, start..<source.count) }
        let name = text(nameStart..<index)
        index += 1
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
        }
        guard valid else { throw error(RegexSyntaxError.invalidNamedCapture, start..<index) }
        guard captureNames[name] == nil else { throw error(RegexSyntaxError.duplicateCaptureName, start..<index) }
        captureCount += 1
        captureNames[name] = captureCount
        return captureCount
    }

    // MARK: Escapes

    /// Parses an escape outside a class at `\`, appending what it denotes.
    private mutating func parseEscapeAtom(into items: inout [RegexNode]) throws(RegexSyntaxError) {
        let start = index
        guard let letter = peek(1) else {
            throw RegexSyntaxError(code: RegexSyntaxError.trailingBackslash, fragment: "")
        }
        switch letter {
        case "A", "z", "b", "B":
            index += 2
            let assertion: RegexAssertion = switch letter {
            case "A": .beginText
            case "z": .endText
            case "b": .wordBoundary
            default: .notWordBoundary
            }
            items.append(.assertion(assertion))
        case "Q":
            index += 2
            while let scalar = peek() {
                if scalar == "\\", peek(1) == "E" {
                    index += 2
                    return
                }
                items.append(literal(source[index].value))
                index += 1
            }
        case "d", "D", "s", "S", "w", "W", "p", "P":
            if let set = try parseClassEscape() {
                items.append(.set(set))
            } else {
                throw error(RegexSyntaxError.invalidEscape, start..<index)
            }
        default:
            items.append(literal(try parseEscape()))
        }
    }

    /// Parses a single-scalar escape at `\`: `\a \f \n \r \t \v`, octal `\0`–`\377`, `\xHH`, `\x{H…}` and escaped
    /// ASCII punctuation.
    private mutating func parseEscape() throws(RegexSyntaxError) -> UInt32 {
        let start = index
        index += 1
        guard let letter = peek() else {
            throw RegexSyntaxError(code: RegexSyntaxError.trailingBackslash, fragment: "")
        }
        index += 1
        switch letter {
        case "1"..."7", "0":
            if letter != "0" && !isOctal(peek()) { break }
            var value = letter.value - 48
            for _ in 0..<2 {
                guard let digit = peek(), isOctal(digit) else { break }
                value = value * 8 + digit.value - 48
                index += 1
            }
            return value
        case "x":
            if peek() == "{" {
                index += 1
                var value: UInt32 = 0
                var digits = 0
                while let scalar = peek(), let digit = hexValue(scalar) {
                    value = Swift.min(value * 16 + digit, 0x110000)
                    digits += 1
                    index += 1
                }
                guard digits > 0, peek() == "}", value <= RegexScalarSet.maxScalar else {
                    if peek() != nil { index += 1 }
                    throw error(RegexSyntaxError.invalidEscape, start..<index)
                }
                index += 1
                return value
            }
            guard let high = peek().flatMap(hexValue), let low = peek(1).flatMap(hexValue) else {
                index = Swift.min(index + 2, source.count)
                throw error(RegexSyntaxError.invalidEscape, start..<index)
            }
            index += 2
            return high * 16 + low
        case "a": return 0x07
        case "f": return 0x0C
        case "n": return 0x0A
        case "r": return 0x0D
        case "t": return 0x09
        case "v": return 0x0B
        default:
            if letter.value < 0x80, !isAlphanumeric(letter) { return letter.value }
        }
        throw error(RegexSyntaxError.invalidEscape, start..<index)
    }

    private func isOctal(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."7").contains(scalar)
    }

    private func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 48
        case "a"..."f": return scalar.value - 87
        case "A"..."F": return scalar.value - 55
        default: return nil
        }
    }

    /// Parses `\d \D \s \S \w \W` or `\pN`, `\p{Name}`, `\p{^Name}`, `\PN` at `\`, folded under `i`; `nil`
    /// (consuming nothing) for any other escape.
    private mutating func parseClassEscape() throws(RegexSyntaxError) -> RegexScalarSet? {
        let start = index
        guard let letter = peek(1) else { return nil }
        let perl: (String, Bool)? = switch letter {
        case "d": ("digit", false)
        case "D": ("digit", true)
        case "s": ("perlspace", false)
        case "S": ("perlspace", true)
        case "w": ("word", false)
        case "W": ("word", true)
        default: nil
        }
        if let (name, negated) = perl, let ranges = RegexParser.asciiClasses[name] {
            index += 2
            return folded(RegexScalarSet(ranges: ranges), negated: negated)
        }
        guard letter == "p" || letter == "P" else { return nil }
        index += 2
        var negated = letter == "P"
        var name: String
        if peek() == "{" {
            let nameStart = index + 1
            while let scalar = peek(), scalar != "}" { index += 1 }
            guard peek() == "}" else { throw error(RegexSyntaxError.invalidCharacterClassRange, start..<source.count) }
            name = text(nameStart..<index)
            index += 1
        } else {
            guard let scalar = peek() else { throw error(RegexSyntaxError.invalidCharacterClassRange, start..<index) }
            name = String(scalar)
            index += 1
        }
        if name.hasPrefix("^") {
            negated.toggle()
            name.removeFirst()
        }
        var set = RegexScalarSet()
        if name == "Any" {
            set.add(0...RegexScalarSet.maxScalar)
        } else if let categories = RegexCategoryTest.categories(named: name) {
            set.add(categories: categories)
        } else {
            // Unicode scripts (`\p{Greek}`) and unknown names: rejected rather than matched wrongly.
            throw error(RegexSyntaxError.invalidCharacterClassRange, start..<index)
        }
        return folded(set, negated: negated)
    }

    /// `set` folded under `i` and then complemented when `negated`, the order RE2 applies them in.
    private func folded(_ set: RegexScalarSet, negated: Bool) -> RegexScalarSet {
        let cased = flags.foldCase ? set.caseFolded() : set
        return negated ? cased.inverted() : cased
    }

    /// RE2's ASCII classes: the POSIX names, and `perlspace` for `\s`.
    static let asciiClasses: [String: [ClosedRange<UInt32>]] = [
        "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A], "alpha": [0x41...0x5A, 0x61...0x7A], "ascii": [0x00...0x7F],
        "blank": [0x09...0x09, 0x20...0x20], "cntrl": [0x00...0x1F, 0x7F...0x7F], "digit": [0x30...0x39],
        "graph": [0x21...0x7E], "lower": [0x61...0x7A], "print": [0x20...0x7E],
        "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E], "space": [0x09...0x0D, 0x20...0x20],
        "upper": [0x41...0x5A], "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A],
        "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66], "perlspace": [0x09...0x0A, 0x0C...0x0D, 0x20...0x20],
    ]

    // MARK: Classes

    /// Parses a bracketed class at `[`.
    private mutating func parseClass() throws(RegexSyntaxError) -> RegexScalarSet {
        let start = index
        index += 1
        var negated = false
        if peek() == "^" {
            negated = true
            index += 1
        }
        var set = RegexScalarSet()
        var first = true
        while true {
            guard let scalar = peek() else { throw error(RegexSyntaxError.missingBracket, start..<source.count) }
            if scalar == "]" && !first { break }
            first = false
            if scalar == "[", peek(1) == ":", let posix = try parsePosixClass() {
                set.add(posix)
                continue
            }
            if scalar == "\\", let escaped = try parseClassEscape() {
                set.add(escaped)
                continue
            }
            let rangeStart = index
            let low = try parseClassScalar(classStart: start)
            var high = low
            if peek() == "-", let after = peek(1), after != "]" {
                index += 1
                high = try parseClassScalar(classStart: start)
                if high < low { throw error(RegexSyntaxError.invalidCharacterClassRange, rangeStart..<index) }
            }
            set.add(flags.foldCase ? RegexScalarSet(ranges: [low...high]).caseFolded() : RegexScalarSet(ranges: [low...high]))
        }
        index += 1
        return negated ? set.inverted() : set
    }

    private mutating func parseClassScalar(classStart: Int) throws(RegexSyntaxError) -> UInt32 {
        guard let scalar = peek() else { throw error(RegexSyntaxError.missingBracket, classStart..<source.count) }
        if scalar == "\\" { return try parseEscape() }
        index += 1
        return scalar.value
    }

    /// Parses `[:name:]` or `[:^name:]` at `[`; `nil` (consuming nothing) when no `:]` follows.
    private mutating func parsePosixClass() throws(RegexSyntaxError) -> RegexScalarSet? {
        var cursor = index + 2
        while cursor + 1 < source.count, !(source[cursor] == ":" && source[cursor + 1] == "]") { cursor += 1 }
        guard cursor + 1 < source.count else { return nil }
        let start = index
        var name = text((index + 2)..<cursor)
        index = cursor + 2
        var negated = false
        if name.hasPrefix("^") {
            negated = true
            name.removeFirst()
        }
        guard let ranges = RegexParser.asciiClasses[name], name != "perlspace" else {
            throw error(RegexSyntaxError.invalidCharacterClassRange, start..<index)
        }
        return folded(RegexScalarSet(ranges: ranges), negated: negated)
    }
}
