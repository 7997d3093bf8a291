/// Line-level YAML syntax: comments, sequence entries, mapping keys, bracket balance and folding.
extension YAMLReader {
    /// `text` without a trailing comment (a `#` at the start or after white space, outside quotes) and trailing
    /// white space.
    static func stripComment(_ text: Substring) -> Substring {
        var quote: Character? = nil
        var previous: Character = " "
        var end = text.endIndex
        var position = text.startIndex
        while position < text.endIndex {
            let character = text[position]
            if let open = quote {
                if character == open {
                    let next = text.index(after: position)
                    if open == "'", next < text.endIndex, text[next] == "'" {
                        position = text.index(after: next)
                        continue
                    }
                    quote = nil
                } else if open == "\"", character == "\\" {
                    position = text.index(after: position)
                    if position < text.endIndex { position = text.index(after: position) }
                    continue
                }
            } else if character == "#", previous == " " || previous == "\t" {
                end = position
                break
            } else if character == "\"" || character == "'", " \t[{,:-?".contains(previous) {
                quote = character
            }
            previous = character
            position = text.index(after: position)
        }
        var result = text[text.startIndex..<end]
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }

    /// Whether a line starts a block sequence entry: `-` alone or followed by white space.
    static func isSequenceEntry(_ text: Substring) -> Bool {
        text == "-" || text.hasPrefix("- ") || text.hasPrefix("-\t")
    }

    /// Splits `key: rest` at the first `:` that ends a plain or quoted key; `nil` when the line is not a mapping
    /// entry.
    static func splitMappingEntry(_ text: Substring) -> (key: Substring, rest: Substring)? {
        guard let first = text.first, !"[{#&*!|>%@`?".contains(first) else { return nil }
        var position = text.startIndex
        if first == "\"" || first == "'" {
            guard let close = closingQuote(in: text, quote: first) else { return nil }
            position = text.index(after: close)
            while position < text.endIndex, text[position] == " " { position = text.index(after: position) }
            guard position < text.endIndex, text[position] == ":" else { return nil }
        } else {
            while true {
                guard let colon = text[position...].firstIndex(of: ":") else { return nil }
                let next = text.index(after: colon)
                if next == text.endIndex || text[next] == " " || text[next] == "\t" {
                    position = colon
                    break
                }
                position = next
            }
        }
        var key = text[text.startIndex..<position]
        while let last = key.last, last == " " || last == "\t" { key = key.dropLast() }
        guard !key.isEmpty else { return nil }
        let rest = text[text.index(after: position)...].drop { $0 == " " || $0 == "\t" }
        return (key, rest)
    }

    /// The index of the quote that closes the quoted scalar at the start of `text`.
    static func closingQuote(in text: Substring, quote: Character) -> Substring.Index? {
        var position = text.index(after: text.startIndex)
        while position < text.endIndex {
            let character = text[position]
            if quote == "\"", character == "\\" {
                position = text.index(after: position)
                if position < text.endIndex { position = text.index(after: position) }
                continue
            }
            if character == quote {
                let next = text.index(after: position)
                if quote == "'", next < text.endIndex, text[next] == "'" {
                    position = text.index(after: next)
                    continue
                }
                return position
            }
            position = text.index(after: position)
        }
        return nil
    }

    /// A mapping key as the JSON conversion names it: scalars by their text, `null` and booleans by their JSON.
    static func keyText(_ key: Substring, line: Int) throws(SyntaxError) -> String {
        guard key.first == "\"" || key.first == "'" else { return YAMLScalar.keyString(YAMLScalar.resolve(key)) }
        var flow = YAMLFlowParser(text: key, line: line)
        return YAMLScalar.keyString(try flow.parseKey())
    }

    /// How many more brackets `text` opens than it closes, outside quoted scalars: how far a flow collection
    /// started on this line is from being closed.
    static func bracketBalance(_ text: Substring) -> Int {
        var balance = 0
        var quote: Character? = nil
        var escaped = false
        for character in text {
            if let open = quote {
                if escaped {
                    escaped = false
                } else if open == "\"", character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            switch character {
            case "[", "{": balance += 1
            case "]", "}": balance -= 1
            case "\"", "'": quote = character
            default: break
            }
        }
        return balance
    }

    /// Folds block scalar lines: a single line break between two text lines becomes a space, and lines that are
    /// more indented keep their breaks.
    static func fold(_ lines: [Substring]) -> String {
        var out = ""
        var pendingBreaks = 0
        var first = true
        var previousMoreIndented = false
        for line in lines {
            if line.isEmpty {
                pendingBreaks += 1
                continue
            }
            let moreIndented = line.first == " " || line.first == "\t"
            if first {
                out += String(repeating: "\n", count: pendingBreaks)
            } else if pendingBreaks == 0 {
                out += moreIndented || previousMoreIndented ? "\n" : " "
            } else {
                out += String(repeating: "\n", count: pendingBreaks + (moreIndented || previousMoreIndented ? 1 : 0))
            }
            out += line
            pendingBreaks = 0
            first = false
            previousMoreIndented = moreIndented
        }
        return out
    }
}
