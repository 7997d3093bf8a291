/// `sprintf(format, values)`, following Go's `fmt.Sprintf` as OPA calls it: integers are Go `int`s, larger integers
/// `*big.Int`s, decimals `float64`s, strings Go strings, and every other value the string of its Rego text.
extension StringBuiltins {
    static let sprintfBuiltins: [Builtin] = [
        Builtin("sprintf", arity: 2) { args, _ in
            let format = try args.string(0)
            let values = try args.array(1)
            var printer = GoPrinter(arguments: values.map(GoArgument.init))
            return .string(printer.format(format))
        },
    ]
}

/// One operand of `sprintf` as the Go value OPA hands to `fmt.Sprintf`.
enum GoArgument {
    case int(Int64)
    case big(BigInt)
    case float(Double)
    case string(String)

    /// The Go value OPA passes for `value`.
    init(_ value: Value) {
        switch value {
        case .number(.int(let v)): self = .int(v)
        case .number(.float(let d)): self = .float(d)
        case .number(.big(let b)):
            if let exponentText = GoArgument.exponentText(ofHuge: b) {
                self = .string(exponentText)
            } else {
                self = .big(b)
            }
        case .string(let s): self = .string(s)
        default: self = .string(value.goRegoText)
        }
    }

    /// `2e308` for an integer beyond the range of doubles that ends in zeros. OPA keeps such a literal's text, since
    /// it is neither a Go integer nor a `float64`; the value model only keeps its exact value.
    static func exponentText(ofHuge value: BigInt) -> String? {
        guard value.double.magnitude > Double.greatestFiniteMagnitude else { return nil }
        var digits = value.decimalString
        let sign = digits.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { digits.removeFirst() }
        let significant = digits.reversed().drop { $0 == "0" }.reversed()
        let zeros = digits.count - significant.count
        guard zeros > 0 else { return nil }
        let mantissa = significant.count == 1
            ? String(significant) : String(significant.prefix(1)) + "." + String(significant.dropFirst())
        return sign + mantissa + "e" + String(digits.count - 1)
    }

    /// Go's type name, as `%!d(string=hi)` shows it.
    var typeName: String {
        switch self {
        case .int: return "int"
        case .big: return "*big.Int"
        case .float: return "float64"
        case .string: return "string"
        }
    }
}

/// The state of one `fmt.Sprintf` call: the operands and which one comes next.
struct GoPrinter {
    let arguments: [GoArgument]
    private var next = 0
    private var reordered = false
    private var goodIndex = true
    private var output = ""

    /// The largest width or precision honoured, so that a format cannot demand unbounded output.
    static let maximumWidth = 100_000

    init(arguments: [GoArgument]) { self.arguments = arguments }

    /// The formatted text, with Go's `%!verb(…)` notes for missing, extra or mistyped operands.
    mutating func format(_ format: String) -> String {
        let text = Array(format.unicodeScalars)
        var i = 0
        while i < text.count {
            if text[i] != "%" {
                output.unicodeScalars.append(text[i])
                i += 1
                continue
            }
            i += 1
            goodIndex = true
            var flags = GoFlags()
            flagLoop: while i < text.count {
                switch text[i] {
                case "#": flags.sharp = true
                case "0": flags.zero = !flags.minus
                case "+": flags.plus = true
                case "-": flags.minus = true; flags.zero = false
                case " ": flags.space = true
                default: break flagLoop
                }
                i += 1
            }
            var afterIndex = readIndex(text, &i)
            if i < text.count, text[i] == "*" {
                i += 1
                if let width = takeIntArgument() {
                    flags.width = width
                    if width < 0 {
                        flags.width = -width
                        flags.minus = true
                        flags.zero = false
                    }
                } else {
                    output += "%!(BADWIDTH)"
                }
                afterIndex = false
            } else {
                flags.width = readNumber(text, &i)
                if afterIndex, flags.width != nil { goodIndex = false }
            }
            if i < text.count, text[i] == "." {
                i += 1
                if afterIndex { goodIndex = false }
                afterIndex = readIndex(text, &i)
                if i < text.count, text[i] == "*" {
                    i += 1
                    if let precision = takeIntArgument() {
                        flags.precision = precision < 0 ? nil : precision
                        if precision < 0 { output += "%!(BADPREC)" }
                    } else {
                        output += "%!(BADPREC)"
                    }
                    afterIndex = false
                } else {
                    flags.precision = readNumber(text, &i) ?? 0
                }
            }
            if !afterIndex { afterIndex = readIndex(text, &i) }
            guard i < text.count else {
                output += "%!(NOVERB)"
                break
            }
            let verb = text[i]
            i += 1
            if verb == "%" {
                output += "%"
            } else if !goodIndex {
                output += "%!" + String(verb) + "(BADINDEX)"
            } else if next >= arguments.count {
                output += "%!" + String(verb) + "(MISSING)"
            } else if verb == "v" && flags.sharp, case .string(let text) = arguments[next] {
                var plain = flags
                plain.sharp = false
                output += plain.pad(GoFormat.quote(text, asciiOnly: false))
                next += 1
            } else {
                if verb == "v" {
                    flags.plus = false
                    flags.sharp = false
                }
                output += GoPrinter.render(arguments[next], verb: verb, flags: flags)
                next += 1
            }
        }
        if !reordered, next < arguments.count {
            let extras = arguments[next...].map { argument in
                argument.typeName + "=" + GoPrinter.render(argument, verb: "v", flags: GoFlags())
            }
            output += "%!(EXTRA " + extras.joined(separator: ", ") + ")"
        }
        return output
    }

    /// Reads an explicit operand index `[n]` at `i`, if there is one, and makes operand n the next one.
    private mutating func readIndex(_ text: [Unicode.Scalar], _ i: inout Int) -> Bool {
        guard i < text.count, text[i] == "[" else { return false }
        reordered = true
        guard let close = text[i...].firstIndex(of: "]") else {
            goodIndex = false
            i += 1
            return false
        }
        var cursor = i + 1
        let number = readNumber(text, &cursor)
        i = close + 1
        guard let number, cursor == close, number >= 1, number <= arguments.count else {
            goodIndex = false
            return number != nil && cursor == close
        }
        next = number - 1
        return true
    }

    /// Reads a run of decimal digits at `i`; `nil` when there is none or it exceeds the width limit.
    private func readNumber(_ text: [Unicode.Scalar], _ i: inout Int) -> Int? {
        var value = 0
        var any = false
        while i < text.count, ("0"..."9").contains(text[i]) {
            value = min(value * 10 + Int(text[i].value - 48), GoPrinter.maximumWidth + 1)
            any = true
            i += 1
        }
        guard any, value <= GoPrinter.maximumWidth else { return nil }
        return value
    }

    /// Consumes the next operand as a `*` width or precision; `nil` when it is missing or not an integer.
    private mutating func takeIntArgument() -> Int? {
        guard next < arguments.count else { return nil }
        defer { next += 1 }
        guard case .int(let v) = arguments[next], v.magnitude <= UInt64(GoPrinter.maximumWidth) else { return nil }
        return Int(v)
    }

    /// One operand formatted by `verb`.
    static func render(_ argument: GoArgument, verb: Unicode.Scalar, flags: GoFlags) -> String {
        switch argument {
        case .int(let v): return GoFormat.integer(v, verb: verb, flags: flags)
        case .big(let b): return GoFormat.bigInteger(b, verb: verb, flags: flags)
        case .float(let d): return GoFormat.float(d, verb: verb, flags: flags)
        case .string(let s): return GoFormat.string(s, verb: verb, flags: flags)
        }
    }
}

/// The flags, width and precision of one Go format directive.
struct GoFlags {
    var sharp = false
    var zero = false
    var plus = false
    var minus = false
    var space = false
    var width: Int?
    var precision: Int?

    /// `text` padded with spaces to the width, on the right for `-`; zeros on the left when `zeroPad`.
    func pad(_ text: String, zeroPad: Bool = false) -> String {
        let length = text.unicodeScalars.count
        guard let width, width > length else { return text }
        let fill = String(repeating: zeroPad && !minus ? "0" : " ", count: width - length)
        return minus ? text + fill : fill + text
    }
}

extension Value {
    /// The value as OPA's `ast.Value.String()` prints it: Rego text with strings quoted as Go's `strconv.Quote`.
    var goRegoText: String {
        switch self {
        case .null, .bool, .number: return jsonText
        case .string(let s): return GoFormat.quote(s, asciiOnly: false)
        case .array(let elements): return "[" + elements.map(\.goRegoText).joined(separator: ", ") + "]"
        case .set(let set):
            if set.isEmpty { return "set()" }
            return "{" + set.elements.map(\.goRegoText).joined(separator: ", ") + "}"
        case .object(let object):
            return "{" + object.entries.map { "\($0.key.goRegoText): \($0.value.goRegoText)" }.joined(separator: ", ")
                + "}"
        }
    }
}
