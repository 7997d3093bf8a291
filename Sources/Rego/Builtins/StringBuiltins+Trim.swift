/// `trim`, `trim_left`, `trim_right`, `trim_prefix`, `trim_suffix` and `trim_space`, as Go's `strings.Trim*`.
extension StringBuiltins {
    static let trimBuiltins: [Builtin] = [
        Builtin("trim", arity: 2) { args, _ in
            let cutset = Set(try args.string(1).unicodeScalars)
            return .string(trimScalars(try args.string(0), leading: true, trailing: true) { cutset.contains($0) })
        },
        Builtin("trim_left", arity: 2) { args, _ in
            let cutset = Set(try args.string(1).unicodeScalars)
            return .string(trimScalars(try args.string(0), leading: true, trailing: false) { cutset.contains($0) })
        },
        Builtin("trim_right", arity: 2) { args, _ in
            let cutset = Set(try args.string(1).unicodeScalars)
            return .string(trimScalars(try args.string(0), leading: false, trailing: true) { cutset.contains($0) })
        },
        Builtin("trim_space", arity: 1) { args, _ in
            .string(trimScalars(try args.string(0), leading: true, trailing: true) { $0.properties.isWhitespace })
        },
        Builtin("trim_prefix", arity: 2) { args, _ in
            let text = try args.string(0)
            let prefix = try args.string(1)
            guard text.utf8.starts(with: prefix.utf8) else { return .string(text) }
            return .string(String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self))
        },
        Builtin("trim_suffix", arity: 2) { args, _ in
            let text = try args.string(0)
            let suffix = try args.string(1)
            guard text.utf8.reversed().starts(with: suffix.utf8.reversed()) else { return .string(text) }
            return .string(String(decoding: text.utf8.dropLast(suffix.utf8.count), as: UTF8.self))
        },
    ]

    /// `text` without the leading and/or trailing run of code points that satisfy `isCut`.
    static func trimScalars(
        _ text: String, leading: Bool, trailing: Bool, where isCut: (Unicode.Scalar) -> Bool
    ) -> String {
        var scalars = Substring(text).unicodeScalars
        if leading {
            while let first = scalars.first, isCut(first) { scalars = scalars.dropFirst() }
        }
        if trailing {
            while let last = scalars.last, isCut(last) { scalars = scalars.dropLast() }
        }
        return String(Substring(scalars))
    }
}
