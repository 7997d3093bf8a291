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
            let text = Array(try args.string(1).unicodeScalars)
            let limit = try args.int(2)
            let matches = regex.regex.allMatches(in: text, limit: limit < 0 ? nil : limit)
            return .array(matches.map { .string(CompiledRegex.substring($0.range, of: text)) })
        },
        Builtin("regex.find_all_string_submatch_n", arity: 3) { args, _ in
            let regex = try CompiledRegex.compile(try args.string(0))
            let text = Array(try args.string(1).unicodeScalars)
            let limit = try args.int(2)
            let matches = regex.regex.allMatches(in: text, limit: limit < 0 ? nil : limit)
            return .array(matches.map { match in
                .array((0..<match.groupCount).map { group in
                    .string(CompiledRegex.substring(match.group(group), of: text))
                })
            })
        },
        Builtin("regex.replace", arity: 3) { args, _ in
            let text = Array(try args.string(0).unicodeScalars)
            let regex = try CompiledRegex.compile(try args.string(1))
            let template = try args.string(2)
            var out = ""
            var copiedUpTo = 0
            for (match, replace) in regex.regex.replacementMatches(in: text) {
                out += CompiledRegex.substring(copiedUpTo..<match.range.lowerBound, of: text)
                if replace { out += regex.expand(template, match: match, in: text) }
                copiedUpTo = match.range.upperBound
            }
            out += CompiledRegex.substring(copiedUpTo..<text.count, of: text)
            return .string(out)
        },
        Builtin("regex.split", arity: 2) { args, _ in
            let pattern = try args.string(0)
            let regex = try CompiledRegex.compile(pattern)
            let text = Array(try args.string(1).unicodeScalars)
            if !pattern.isEmpty && text.isEmpty { return .array([.string("")]) }
            var pieces: [Value] = []
            var pieceStart = 0
            var lastMatchStart = 0
            for match in regex.regex.allMatches(in: text, limit: nil) {
                lastMatchStart = match.range.lowerBound
                if match.range.upperBound != 0 {
                    pieces.append(.string(CompiledRegex.substring(pieceStart..<match.range.lowerBound, of: text)))
                }
                pieceStart = match.range.upperBound
            }
            if lastMatchStart != text.count {
                pieces.append(.string(CompiledRegex.substring(pieceStart..<text.count, of: text)))
            }
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
