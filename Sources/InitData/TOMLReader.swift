/// Reads TOML 1.0 documents: comments, bare, quoted and dotted keys, `[tables]` and `[[arrays of tables]]`, the four
/// kinds of string, integers, floats, booleans, arrays and inline tables. Dates and times are refused by name.
///
/// Init-data is TOML, and the guest agent must read it without TOMLKit, whose `Date` and `Calendar` types pull full
/// Foundation and its ICU data (34 MB) into the static agent. The tests compare this reader with TOMLKit on the
/// init-data samples and on generated documents, valid and not.
public struct TOMLReader {
    private let bytes: [UInt8]
    private var index = 0
    private var root: [String: TOMLValue] = [:]
    /// The table that `key = value` lines go into.
    private var currentPath: [String] = []
    /// Tables defined by a header or a dotted key, which may not be defined again; inline tables are closed whole.
    private var definedTables: Set<[String]> = []
    private var closedTables: Set<[String]> = []

    private init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The root table of `text`.
    /// - Throws: ``InitDataError`` `.invalidTOML` naming the line and what is wrong.
    public static func parse(_ text: String) throws(InitDataError) -> [String: TOMLValue] {
        var reader = TOMLReader(text)
        do {
            try reader.document()
        } catch let error as Failure {
            throw InitDataError(.invalidTOML, "line \(reader.line): \(error.reason)")
        } catch {
            throw InitDataError(.invalidTOML, "line \(reader.line): \(error)")
        }
        return reader.root
    }

    private struct Failure: Error {
        var reason: String
    }

    private var line: Int { 1 + bytes[..<min(index, bytes.count)].lazy.filter { $0 == 0x0A }.count }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    private func starts(with text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<(index + utf8.count)]) == utf8
    }

    // MARK: Document structure

    private mutating func document() throws {
        while true {
            skipWhitespace()
            guard let byte = current else { return }
            switch byte {
            case UInt8(ascii: "#"), 0x0A, 0x0D: try endOfLine()
            case UInt8(ascii: "["): try header()
            default:
                try keyValue(into: currentPath)
                try endOfLine()
            }
        }
    }

    private mutating func header() throws {
        index += 1
        let isArray = current == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipWhitespace()
        let path = try key()
        skipWhitespace()
        guard current == UInt8(ascii: "]"), !isArray || peek(1) == UInt8(ascii: "]") else {
            throw Failure(reason: "a table header must end with \(isArray ? "]]" : "]")")
        }
        index += isArray ? 2 : 1
        try endOfLine()
        if isArray {
            try appendTable(at: path)
        } else {
            guard !definedTables.contains(path), !closedTables.contains(path) else {
                throw Failure(reason: "table [\(path.joined(separator: "."))] is defined twice")
            }
            try ensureTable(at: path)
            definedTables.insert(path)
        }
        currentPath = path
    }

    private mutating func keyValue(into base: [String]) throws {
        let path = try key()
        skipWhitespace()
        guard current == UInt8(ascii: "=") else { throw Failure(reason: "expected = after the key \(path.joined(separator: "."))") }
        index += 1
        skipWhitespace()
        let value = try self.value()
        let parent = base + path.dropLast()
        for depth in base.count..<parent.count {
            let prefix = Array(parent.prefix(depth + 1))
            guard !closedTables.contains(prefix) else { throw Failure(reason: "\(prefix.joined(separator: ".")) is an inline table, closed to new keys") }
            definedTables.insert(prefix)
        }
        try ensureTable(at: parent)
        guard let name = path.last else { throw Failure(reason: "empty key") }
        try update(at: parent) { table in
            guard table[name] == nil else { throw Failure(reason: "key \((parent + [name]).joined(separator: ".")) is defined twice") }
            table[name] = value
        }
        if case .table = value { closedTables.insert(parent + [name]) }
        if case .array = value { closedTables.insert(parent + [name]) }
    }

    private mutating func endOfLine() throws {
        skipWhitespace()
        if current == UInt8(ascii: "#") {
            index += 1
            while let byte = current, byte != 0x0A {
                guard byte == 0x09 || byte >= 0x20 && byte != 0x7F || byte == 0x0D && peek(1) == 0x0A else {
                    throw Failure(reason: "a control character in a comment")
                }
                index += 1
            }
        }
        if current == 0x0D, peek(1) == 0x0A { index += 1 }
        guard current == nil || current == 0x0A else { throw Failure(reason: "expected the end of the line") }
        if current != nil { index += 1 }
    }

    private mutating func skipWhitespace() {
        while current == 0x20 || current == 0x09 { index += 1 }
    }

    /// Skips whitespace, newlines and comments inside arrays.
    private mutating func skipArraySpace() throws {
        while let byte = current {
            if byte == 0x20 || byte == 0x09 || byte == 0x0A {
                index += 1
            } else if byte == 0x0D, peek(1) == 0x0A {
                index += 2
            } else if byte == UInt8(ascii: "#") {
                while let next = current, next != 0x0A { index += 1 }
            } else {
                return
            }
        }
    }

    // MARK: Tables in the tree

    private mutating func ensureTable(at path: [String]) throws {
        var walked: [String] = []
        let closed = closedTables
        for name in path {
            let here = walked
            try update(at: walked) { table in
                switch table[name] {
                case nil: table[name] = .table([:])
                case .table?: break
                case .array(let elements)? where elements.last?.table != nil && !closed.contains(here + [name]): break
                default: throw Failure(reason: "\((here + [name]).joined(separator: ".")) is not a table")
                }
            }
            walked.append(name)
        }
    }

    private mutating func appendTable(at path: [String]) throws {
        guard let name = path.last else { throw Failure(reason: "empty table name") }
        let parent = Array(path.dropLast())
        try ensureTable(at: parent)
        let closed = closedTables
        try update(at: parent) { table in
            switch table[name] {
            case nil: table[name] = .array([.table([:])])
            case .array(var elements)? where !closed.contains(path):
                elements.append(.table([:]))
                table[name] = .array(elements)
            default: throw Failure(reason: "\(path.joined(separator: ".")) is not an array of tables")
            }
        }
        // Sub-tables of the previous element may be defined again under the new one.
        definedTables = definedTables.filter { !($0.count > path.count && Array($0.prefix(path.count)) == path) }
    }

    /// Applies `change` to the table at `path`, descending into the last table of any array of tables on the way.
    private mutating func update(at path: [String], _ change: (inout [String: TOMLValue]) throws -> Void) throws {
        func descend(_ table: inout [String: TOMLValue], _ rest: ArraySlice<String>) throws {
            guard let name = rest.first else { return try change(&table) }
            switch table[name] {
            case .table(var child)?:
                table[name] = nil
                defer { table[name] = .table(child) }
                try descend(&child, rest.dropFirst())
            case .array(var elements)?:
                guard case .table(var child)? = elements.last else { throw Failure(reason: "\(name) is not a table") }
                table[name] = nil
                defer {
                    elements[elements.count - 1] = .table(child)
                    table[name] = .array(elements)
                }
                try descend(&child, rest.dropFirst())
            default:
                throw Failure(reason: "\(name) is not a table")
            }
        }
        try descend(&root, path[...])
    }

    // MARK: Keys

    private mutating func key() throws -> [String] {
        var path: [String] = []
        while true {
            skipWhitespace()
            switch current {
            case UInt8(ascii: "\"")?: path.append(try basicString())
            case UInt8(ascii: "'")?: path.append(try literalString())
            default:
                let start = index
                while let byte = current, Self.isBareKey(byte) { index += 1 }
                guard index > start else { throw Failure(reason: "expected a key") }
                path.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipWhitespace()
            guard current == UInt8(ascii: ".") else { return path }
            index += 1
        }
    }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    // MARK: Values

    private mutating func value() throws -> TOMLValue {
        guard let byte = current else { throw Failure(reason: "expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return .string(starts(with: "\"\"\"") ? try multilineBasicString() : try basicString())
        case UInt8(ascii: "'"):
            return .string(starts(with: "'''") ? try multilineLiteralString() : try literalString())
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "{"): return try inlineTable()
        case UInt8(ascii: "t") where starts(with: "true"):
            index += 4
            return .boolean(true)
        case UInt8(ascii: "f") where starts(with: "false"):
            index += 5
            return .boolean(false)
        default: return try number()
        }
    }

    private mutating func array() throws -> TOMLValue {
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipArraySpace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            elements.append(try value())
            try skipArraySpace()
            switch current {
            case UInt8(ascii: ",")?: index += 1
            case UInt8(ascii: "]")?: continue
            default: throw Failure(reason: "expected , or ] in an array")
            }
        }
    }

    /// `{ key = value, … }` on one line: its keys, dotted ones included, are read by a reader of its own, so they
    /// cannot reach outside the braces.
    private mutating func inlineTable() throws -> TOMLValue {
        var nested = TOMLReader(bytes: bytes, at: index + 1)
        nested.skipWhitespace()
        if nested.current == UInt8(ascii: "}") {
            index = nested.index + 1
            return .table([:])
        }
        while true {
            try nested.keyValue(into: [])
            nested.skipWhitespace()
            switch nested.current {
            case UInt8(ascii: ",")?:
                nested.index += 1
                nested.skipWhitespace()
                guard nested.current != UInt8(ascii: "}") else { throw Failure(reason: "a trailing comma in an inline table") }
            case UInt8(ascii: "}")?:
                index = nested.index + 1
                return .table(nested.root)
            default:
                throw Failure(reason: "expected , or } in an inline table")
            }
        }
    }

    private init(bytes: [UInt8], at index: Int) {
        self.bytes = bytes
        self.index = index
    }

    private mutating func number() throws -> TOMLValue {
        let start = index
        while let byte = current, !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ",")
                                    || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#")) {
            index += 1
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if let value = Self.integer(text) { return .integer(value) }
        if let value = Self.float(text) { return .float(value) }
        if text.count >= 5, text.dropFirst(4).first == "-" || text.dropFirst(2).first == ":" {
            throw Failure(reason: "dates and times are not supported here (\(text.prefix(32)))")
        }
        throw Failure(reason: "\(text.isEmpty ? "nothing" : String(text.prefix(32))) is not a TOML value")
    }

    private static func integer(_ text: String) -> Int64? {
        var body = Substring(text)
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            body = body.dropFirst(2)
            guard let digits = underscoresRemoved(body), body.first != "+", body.first != "-" else { return nil }
            return Int64(digits, radix: radix)
        }
        var sign = ""
        if body.first == "+" || body.first == "-" {
            sign = body.first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        guard let digits = underscoresRemoved(body), digits.allSatisfy(Self.isDigit) else { return nil }
        guard digits == "0" || digits.first != "0" else { return nil }
        return Int64(sign + digits)
    }

    private static func float(_ text: String) -> Double? {
        var body = Substring(text)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        if body == "inf" { return negative ? -.infinity : .infinity }
        if body == "nan" { return .nan }
        guard let digits = underscoresRemoved(body) else { return nil }
        // An integer part, then a fraction and/or an exponent, digits on both sides of the point.
        let parts = digits.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
        guard let mantissa = parts.first, parts.count <= 2 else { return nil }
        let halves = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard halves.count <= 2, parts.count == 2 || halves.count == 2, let whole = halves.first, !whole.isEmpty,
              whole.allSatisfy(Self.isDigit), whole == "0" || whole.first != "0",
              halves.count == 1 || (!halves[1].isEmpty && halves[1].allSatisfy(Self.isDigit)) else { return nil }
        if parts.count == 2 {
            var exponent = parts[1]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy(Self.isDigit) else { return nil }
        }
        guard let value = Double(digits) else { return nil }
        return negative ? -value : value
    }

    /// The digits without `_`, when every `_` sits between two digits.
    private static func underscoresRemoved(_ text: Substring) -> String? {
        guard !text.isEmpty, text.first != "_", text.last != "_", !text.contains("__") else { return nil }
        let characters = Array(text)
        for (position, character) in characters.enumerated() where character == "_" {
            guard characters[position - 1].isHexDigit, characters[position + 1].isHexDigit else { return nil }
        }
        return String(text.replacing("_", with: ""))
    }

    private static func isDigit(_ character: Character) -> Bool { ("0"..."9").contains(character) }

    // MARK: Strings

    private mutating func basicString() throws -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = current, byte != 0x0A else { throw Failure(reason: "an unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                scalars.append(try escape())
            default:
                scalars.append(try scalar(allowingNewline: false))
            }
        }
    }

    private mutating func multilineBasicString() throws -> String {
        index += 3
        skipNewline()
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = current else { throw Failure(reason: "an unterminated multi-line string") }
            if let text = closing(UInt8(ascii: "\""), after: scalars) { return text }
            if byte == UInt8(ascii: "\\") {
                if try lineEndingBackslash() { continue }
                scalars.append(try escape())
            } else {
                scalars.append(try scalar(allowingNewline: true))
            }
        }
    }

    private mutating func literalString() throws -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = current, byte != 0x0A else { throw Failure(reason: "an unterminated string") }
            if byte == UInt8(ascii: "'") {
                index += 1
                return String(scalars)
            }
            scalars.append(try scalar(allowingNewline: false))
        }
    }

    private mutating func multilineLiteralString() throws -> String {
        index += 3
        skipNewline()
        var scalars = String.UnicodeScalarView()
        while true {
            guard current != nil else { throw Failure(reason: "an unterminated multi-line string") }
            if let text = closing(UInt8(ascii: "'"), after: scalars) { return text }
            scalars.append(try scalar(allowingNewline: true))
        }
    }

    /// At three `quote`s, the finished multi-line string: up to two more quotes belong to the content before the
    /// closing delimiter. Nil anywhere else.
    private mutating func closing(_ quote: UInt8, after scalars: String.UnicodeScalarView) -> String? {
        guard current == quote, peek(1) == quote, peek(2) == quote else { return nil }
        var quotes = 3
        while quotes < 5, peek(quotes) == quote { quotes += 1 }
        var text = scalars
        for _ in 0..<(quotes - 3) { text.append(Unicode.Scalar(quote)) }
        index += quotes
        return String(text)
    }

    private mutating func skipNewline() {
        if current == 0x0A {
            index += 1
        } else if current == 0x0D, peek(1) == 0x0A {
            index += 2
        }
    }

    /// A `\` followed by optional whitespace and a newline: it and all whitespace and newlines after it are dropped.
    private mutating func lineEndingBackslash() throws -> Bool {
        var probe = index + 1
        while probe < bytes.count, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
        guard probe < bytes.count, bytes[probe] == 0x0A || bytes[probe] == 0x0D && probe + 1 < bytes.count && bytes[probe + 1] == 0x0A else {
            return false
        }
        index = probe
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D && peek(1) == 0x0A { index += byte == 0x0D ? 2 : 1 }
        return true
    }

    private mutating func escape() throws -> Unicode.Scalar {
        index += 1
        guard let byte = current else { throw Failure(reason: "an unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count, let code = UInt32(String(decoding: bytes[index..<(index + count)], as: UTF8.self), radix: 16),
                  bytes[index..<(index + count)].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }), let scalar = Unicode.Scalar(code) else {
                throw Failure(reason: "an escape \\\(Character(Unicode.Scalar(byte))) that is not \(count) hex digits of a Unicode scalar")
            }
            index += count
            return scalar
        default:
            throw Failure(reason: "an unknown escape \\\(Character(Unicode.Scalar(byte)))")
        }
    }

    /// One UTF-8 encoded scalar, refusing control characters other than tab (and newlines where allowed).
    private mutating func scalar(allowingNewline: Bool) throws -> Unicode.Scalar {
        guard let byte = current else { throw Failure(reason: "an unterminated string") }
        if byte < 0x80 {
            if byte == 0x0D, allowingNewline, peek(1) == 0x0A {
                index += 2
                return "\n"
            }
            guard byte == 0x09 || byte >= 0x20 && byte != 0x7F || allowingNewline && byte == 0x0A else {
                throw Failure(reason: "a control character (0x\(String(byte, radix: 16))) in a string")
            }
            index += 1
            return Unicode.Scalar(byte)
        }
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        guard index + length <= bytes.count else { throw Failure(reason: "truncated UTF-8") }
        var decoder = UTF8()
        var iterator = bytes[index..<(index + length)].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { throw Failure(reason: "invalid UTF-8") }
        index += length
        return scalar
    }
}
