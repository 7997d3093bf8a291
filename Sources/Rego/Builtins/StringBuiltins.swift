/// OPA's string builtins: joining, splitting, searching, case, trimming, `sprintf`, `format_int` and `units.*`.
///
/// Positions and lengths count Unicode code points (Go runes), as OPA does; comparisons are byte-wise.
enum StringBuiltins {
    static let all: [Builtin] = basicBuiltins + searchBuiltins + trimBuiltins + sprintfBuiltins + unitsBuiltins

    static let basicBuiltins: [Builtin] = [
        Builtin("concat", arity: 2) { args, _ in
            let delimiter = try args.string(0)
            return .string(try stringMembers(of: args, 1, allowing: "one of {set, array}").joined(separator: delimiter))
        },
        Builtin("lower", arity: 1) { args, _ in .string(mapScalars(try args.string(0), \.lowercaseMapping)) },
        Builtin("upper", arity: 1) { args, _ in .string(mapScalars(try args.string(0), \.uppercaseMapping)) },
        Builtin("split", arity: 2) { args, _ in
            .array(split(try args.string(0), separator: try args.string(1)).map(Value.string))
        },
        Builtin("replace", arity: 3) { args, _ in
            let text = try args.string(0)
            let old = try args.string(1)
            let new = try args.string(2)
            return .string(replaceAll(in: text, [(old, new)]))
        },
        Builtin("strings.replace_n", arity: 2) { args, _ in
            let patterns = try args.object(0)
            let text = try args.string(1)
            var pairs: [(String, String)] = []
            for entry in patterns.entries {
                guard case .string(let old) = entry.key else {
                    throw BuiltinError(kind: .type, message: "operand 1 non-string key found in pattern object")
                }
                guard case .string(let new) = entry.value else {
                    throw BuiltinError(kind: .type, message: "operand 1 non-string value found in pattern object")
                }
                pairs.append((old, new))
            }
            return .string(replaceAll(in: text, pairs))
        },
        Builtin("strings.reverse", arity: 1) { args, _ in
            var reversed = String.UnicodeScalarView()
            reversed.append(contentsOf: try args.string(0).unicodeScalars.reversed())
            return .string(String(reversed))
        },
        Builtin("substring", arity: 3) { args, _ in
            let text = try args.string(0)
            let offset = try args.int(1)
            let length = try args.int(2)
            guard offset >= 0 else { throw BuiltinError.failure("negative offset") }
            let scalars = Array(text.unicodeScalars)
            guard offset < scalars.count else { return .string("") }
            let end = length < 0 ? scalars.count : offset + min(length, scalars.count - offset)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[offset..<end])
            return .string(String(view))
        },
        Builtin("format_int", arity: 2) { args, _ in
            let number = try args.number(0)
            let base = try args.int(1)
            guard [2, 8, 10, 16].contains(base) else {
                throw BuiltinError(kind: .type, message: "operand 2 must be one of {2, 8, 10, 16}")
            }
            return .string(formatInteger(truncating: number, radix: base))
        },
    ]

    /// The strings of operand `index`, which must be an array or set of strings; `allowed` names the accepted
    /// collection types in the error for any other operand.
    static func stringMembers(of args: Operands, _ index: Int, allowing allowed: String) throws -> [String] {
        let members: [Value]
        let kind: String
        switch args[index] {
        case .array(let elements): (members, kind) = (elements, "array")
        case .set(let set): (members, kind) = (set.elements, "set")
        default: throw BuiltinError.operand(index + 1, mustBe: allowed, got: args[index])
        }
        return try members.map { member in
            guard case .string(let s) = member else {
                let expected = "\(kind) of strings but got \(kind) containing \(member.typeName)"
                throw BuiltinError(kind: .type, message: "operand \(index + 1) must be \(expected)")
            }
            return s
        }
    }

    /// Maps each scalar through a Unicode case mapping, keeping scalars whose mapping is not a single scalar, as
    /// Go's simple per-rune case conversion does.
    static func mapScalars(_ text: String, _ mapping: KeyPath<Unicode.Scalar.Properties, String>) -> String {
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = scalar.properties[keyPath: mapping].unicodeScalars
            if mapped.count == 1, let single = mapped.first {
                view.append(single)
            } else {
                view.append(scalar)
            }
        }
        return String(view)
    }

    /// Go's `strings.Split`: an empty separator splits into single code points, and an empty text with an empty
    /// separator gives no pieces.
    static func split(_ text: String, separator: String) -> [String] {
        if separator.isEmpty { return text.unicodeScalars.map { String($0) } }
        let bytes = Array(text.utf8)
        let needle = Array(separator.utf8)
        var pieces: [String] = []
        var start = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) {
                pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        return pieces
    }

    /// Go's `strings.NewReplacer(pairs...).Replace(text)`: scanning left to right, the first pair (in the given order)
    /// whose old text starts at the current position is replaced; an empty old text matches between code points.
    static func replaceAll(in text: String, _ pairs: [(old: String, new: String)]) -> String {
        let scalars = Array(text.unicodeScalars)
        let patterns = pairs.map { (old: Array($0.old.unicodeScalars), new: $0.new) }
        guard !patterns.isEmpty else { return text }
        var out = ""
        var position = 0
        while position <= scalars.count {
            let match = patterns.first { pattern in
                position + pattern.old.count <= scalars.count
                    && scalars[position..<position + pattern.old.count].elementsEqual(pattern.old)
            }
            if let match {
                out += match.new
                if !match.old.isEmpty {
                    position += match.old.count
                    continue
                }
            }
            if position < scalars.count { out.unicodeScalars.append(scalars[position]) }
            position += 1
        }
        return out
    }

    /// The integer part of `number` (truncated toward zero) in base `radix`, lower-case digits.
    static func formatInteger(truncating number: Number, radix: Int) -> String {
        switch number {
        case .int(let value):
            return String(value, radix: radix)
        case .big(let value):
            return bigIntText(value, radix: radix)
        case .float(let value):
            let truncated = value.rounded(.towardZero)
            if let small = Int64(exactly: truncated) { return String(small, radix: radix) }
            guard let big = BigInt(exactly: truncated) else { return "0" }
            return bigIntText(big, radix: radix)
        }
    }

    /// A big integer's digits in base `radix` (2 through 36), with a leading `-` when negative.
    static func bigIntText(_ value: BigInt, radix: Int) -> String {
        guard radix != 10 else { return value.decimalString }
        if value.isZero { return "0" }
        var magnitude = value.limbs
        var digits: [Character] = []
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        while !magnitude.isEmpty {
            let digit = Int(BigInt.divideSmall(&magnitude, UInt32(radix)))
            digits.append(alphabet[digit])
        }
        return (value.isNegative ? "-" : "") + String(digits.reversed())
    }
}
