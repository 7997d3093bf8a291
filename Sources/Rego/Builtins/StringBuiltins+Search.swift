/// Substring tests and searches: `contains`, `startswith`, `indexof`, `strings.count`, `strings.any_prefix_match`, …
extension StringBuiltins {
    static let searchBuiltins: [Builtin] = [
        Builtin("contains", arity: 2) { args, _ in
            let text = try args.string(0)
            let needle = try args.string(1)
            return .bool(needle.isEmpty || byteOffsets(of: needle, in: text, limit: 1).first != nil)
        },
        Builtin("startswith", arity: 2) { args, _ in
            .bool(try args.string(0).utf8.starts(with: try args.string(1).utf8))
        },
        Builtin("endswith", arity: 2) { args, _ in
            .bool(try args.string(0).utf8.reversed().starts(with: try args.string(1).utf8.reversed()))
        },
        Builtin("indexof", arity: 2) { args, _ in
            let text = try args.string(0)
            let needle = try args.string(1)
            guard !needle.isEmpty else { throw BuiltinError.failure("empty search character") }
            guard let offset = scalarOffsets(of: needle, in: text, limit: 1).first else { return .int(-1) }
            return .int(offset)
        },
        Builtin("indexof_n", arity: 2) { args, _ in
            let text = try args.string(0)
            let needle = try args.string(1)
            guard !needle.isEmpty else { throw BuiltinError.failure("empty search character") }
            return .array(scalarOffsets(of: needle, in: text, limit: nil, overlapping: true).map(Value.int))
        },
        Builtin("strings.count", arity: 2) { args, _ in
            let text = try args.string(0)
            let needle = try args.string(1)
            if needle.isEmpty { return .int(text.unicodeScalars.count + 1) }
            return .int(byteOffsets(of: needle, in: text, limit: nil).count)
        },
        Builtin("strings.any_prefix_match", arity: 2) { args, _ in
            let texts = try stringOrStrings(args, 0)
            let prefixes = try stringOrStrings(args, 1)
            return .bool(texts.contains { text in prefixes.contains { text.utf8.starts(with: $0.utf8) } })
        },
        Builtin("strings.any_suffix_match", arity: 2) { args, _ in
            let texts = try stringOrStrings(args, 0)
            let suffixes = try stringOrStrings(args, 1)
            return .bool(texts.contains { text in
                suffixes.contains { text.utf8.reversed().starts(with: $0.utf8.reversed()) }
            })
        },
    ]

    /// Operand `index` as a list of strings: a lone string, or an array or set of strings.
    static func stringOrStrings(_ args: Operands, _ index: Int) throws -> [String] {
        if case .string(let s) = args[index] { return [s] }
        return try stringMembers(of: args, index, allowing: "one of {string, set, array}")
    }

    /// Byte offsets of the non-overlapping occurrences of a non-empty `needle`, at most `limit` of them.
    static func byteOffsets(of needle: String, in text: String, limit: Int?) -> [Int] {
        offsets(of: Array(needle.utf8), in: Array(text.utf8), limit: limit, overlapping: false)
    }

    /// Code point offsets of the occurrences of a non-empty `needle`, at most `limit` of them; `overlapping` lets a
    /// match start inside the previous one, as `indexof_n` reports every start.
    static func scalarOffsets(of needle: String, in text: String, limit: Int?, overlapping: Bool = false) -> [Int] {
        offsets(of: Array(needle.unicodeScalars), in: Array(text.unicodeScalars), limit: limit, overlapping: overlapping)
    }

    private static func offsets<Element: Equatable>(
        of pattern: [Element], in haystack: [Element], limit: Int?, overlapping: Bool
    ) -> [Int] {
        guard !pattern.isEmpty else { return [] }
        var offsets: [Int] = []
        var index = 0
        while index + pattern.count <= haystack.count {
            if let limit, offsets.count >= limit { break }
            if haystack[index..<index + pattern.count].elementsEqual(pattern) {
                offsets.append(index)
                index += overlapping ? 1 : pattern.count
            } else {
                index += 1
            }
        }
        return offsets
    }
}
