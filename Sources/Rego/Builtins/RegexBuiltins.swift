import Foundation

/// OPA's `regex.*` builtins (Go RE2 semantics) and `glob.*`.
enum RegexBuiltins {
    static let all: [Builtin] = regexBuiltins + globBuiltins

    static let regexBuiltins: [Builtin] = [
        Builtin("regex.is_valid", arity: 1) { args, _ in
            guard case .string(let pattern) = args[0] else { return .bool(false) }
            return .bool((try? CompiledRegex.compile(pattern)) != nil)
        },
        Builtin("regex.match", arity: 2) { args, _ in
            let pattern = try args.string(0)
            let text = try args.string(1)
            return .bool(try CompiledRegex.compile(pattern).matches(text))
        },
        Builtin("regex.find_n", arity: 3) { args, _ in
            let regex = try CompiledRegex.compile(try args.string(0))
            let text = try args.string(1)
            let limit = try args.int(2)
            let source = text as NSString
            let matches = regex.allMatches(in: text, limit: limit < 0 ? nil : limit)
            return .array(matches.map { .string(CompiledRegex.substring($0.range, of: source)) })
        },
        Builtin("regex.find_all_string_submatch_n", arity: 3) { args, _ in
            let regex = try CompiledRegex.compile(try args.string(0))
            let text = try args.string(1)
            let limit = try args.int(2)
            let source = text as NSString
            let matches = regex.allMatches(in: text, limit: limit < 0 ? nil : limit)
            return .array(matches.map { match in
                .array((0..<match.numberOfRanges).map { group in
                    .string(CompiledRegex.substring(match.range(at: group), of: source))
                })
            })
        },
        Builtin("regex.replace", arity: 3) { args, _ in
            let text = try args.string(0)
            let regex = try CompiledRegex.compile(try args.string(1))
            let template = try args.string(2)
            let source = text as NSString
            var out = ""
            var copiedUpTo = 0
            for match in regex.allMatches(in: text, limit: nil) {
                out += source.substring(with: NSRange(location: copiedUpTo, length: match.range.location - copiedUpTo))
                out += regex.expand(template, match: match, in: source)
                copiedUpTo = match.range.location + match.range.length
            }
            out += source.substring(from: copiedUpTo)
            return .string(out)
        },
        Builtin("regex.split", arity: 2) { args, _ in
            let pattern = try args.string(0)
            let regex = try CompiledRegex.compile(pattern)
            let text = try args.string(1)
            if !pattern.isEmpty && text.isEmpty { return .array([.string("")]) }
            let source = text as NSString
            var pieces: [Value] = []
            var pieceStart = 0
            var lastMatchStart = 0
            for match in regex.allMatches(in: text, limit: nil) {
                lastMatchStart = match.range.location
                let matchEnd = match.range.location + match.range.length
                if matchEnd != 0 {
                    pieces.append(.string(source.substring(
                        with: NSRange(location: pieceStart, length: match.range.location - pieceStart))))
                }
                pieceStart = matchEnd
            }
            if lastMatchStart != source.length { pieces.append(.string(source.substring(from: pieceStart))) }
            return .array(pieces)
        },
        Builtin("regex.template_match", arity: 4) { args, _ in
            let template = try args.string(0)
            let text = try args.string(1)
            let start = try args.string(2)
            let end = try args.string(3)
            let pattern = try templatePattern(template, start: start, end: end)
            return .bool(try CompiledRegex.compile(pattern).matches(text))
        },
        Builtin("regex.globs_match", arity: 2) { args, _ in
            let first = try GlobRegex(parsing: try args.string(0))
            let second = try GlobRegex(parsing: try args.string(1))
            return .bool(first.intersects(second))
        },
    ]

    /// The anchored RE2 pattern of a `regex.template_match` template: text between the delimiters is a regular
    /// expression, text outside them is literal.
    static func templatePattern(_ template: String, start: String, end: String) throws -> String {
        guard let open = start.unicodeScalars.first, let close = end.unicodeScalars.first else {
            throw BuiltinError.failure("delimiters must be non-empty")
        }
        let scalars = Array(template.unicodeScalars)
        var pattern = "^"
        var literal = String.UnicodeScalarView()
        var expression = String.UnicodeScalarView()
        var depth = 0
        for scalar in scalars {
            if scalar == open {
                depth += 1
                if depth == 1 { continue }
            } else if scalar == close {
                depth -= 1
                if depth < 0 { throw BuiltinError.failure("unbalanced braces in \(template)") }
                if depth == 0 {
                    pattern += quoteMeta(String(literal)) + "(" + String(expression) + ")"
                    literal = String.UnicodeScalarView()
                    expression = String.UnicodeScalarView()
                    continue
                }
            }
            if depth == 0 {
                literal.append(scalar)
            } else {
                expression.append(scalar)
            }
        }
        guard depth == 0 else { throw BuiltinError.failure("unbalanced braces in \(template)") }
        return pattern + quoteMeta(String(literal)) + "$"
    }

    /// Go's `regexp.QuoteMeta`: every RE2 metacharacter escaped.
    static func quoteMeta(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if "\\.+*?()|[]{}^$".unicodeScalars.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
