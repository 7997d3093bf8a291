#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Go's `fmt` verbs for the four kinds of `sprintf` operand, and Go's `strconv` quoting.
enum GoFormat {
    /// A Go `int` formatted by `verb`.
    static func integer(_ value: Int64, verb: Unicode.Scalar, flags: GoFlags) -> String {
        let magnitude = value.magnitude
        switch verb {
        case "d", "v": return integerText(negative: value < 0, digits: String(magnitude), isZero: value == 0, base: 10,
                                          verb: verb, flags: flags)
        case "b", "o", "O", "x", "X":
            let base = verb == "b" ? 2 : (verb == "x" || verb == "X" ? 16 : 8)
            return integerText(negative: value < 0, digits: String(magnitude, radix: base), isZero: value == 0,
                               base: base, verb: verb, flags: flags)
        case "c": return flags.pad(String(Character(rune(value))))
        case "q": return flags.pad(quoteRune(rune(value), flags: flags))
        case "U": return unicodeNotation(value, flags: flags)
        default: return badVerb(verb, .int(value))
        }
    }

    /// Go's `fmtInteger`: precision or zero flag as minimum digits, then `#` prefix, sign and space padding.
    private static func integerText(
        negative: Bool, digits: String, isZero: Bool, base: Int, verb: Unicode.Scalar, flags: GoFlags
    ) -> String {
        var minimumDigits = 0
        if let precision = flags.precision {
            if precision == 0 && isZero { return flags.pad("") }
            minimumDigits = precision
        } else if flags.zero, !flags.minus, let width = flags.width {
            minimumDigits = width - (negative || flags.plus || flags.space ? 1 : 0)
        }
        var text = verb == "X" ? digits.uppercased() : digits
        if text.count < minimumDigits { text = String(repeating: "0", count: minimumDigits - text.count) + text }
        if flags.sharp {
            switch base {
            case 2: text = "0b" + text
            case 8: if !text.hasPrefix("0") { text = "0" + text }
            case 16: text = (verb == "X" ? "0X" : "0x") + text
            default: break
            }
        }
        if verb == "O" { text = "0o" + text }
        if negative {
            text = "-" + text
        } else if flags.plus {
            text = "+" + text
        } else if flags.space {
            text = " " + text
        }
        return flags.pad(text)
    }

    /// A `*big.Int` formatted by `verb`, as `big.Int.Format` does (zero padding goes after sign and prefix).
    static func bigInteger(_ value: BigInt, verb: Unicode.Scalar, flags: GoFlags) -> String {
        let base: Int
        switch verb {
        case "b": base = 2
        case "o", "O": base = 8
        case "d", "s", "v": base = 10
        case "x", "X": base = 16
        default: return "%!" + String(verb) + "(big.Int=" + value.decimalString + ")"
        }
        let sign = value.isNegative ? "-" : (flags.plus ? "+" : (flags.space ? " " : ""))
        var prefix = ""
        if flags.sharp {
            switch verb {
            case "b": prefix = "0b"
            case "o": prefix = "0"
            case "x": prefix = "0x"
            case "X": prefix = "0X"
            default: break
            }
        }
        if verb == "O" { prefix = "0o" }
        var digits = StringBuiltins.bigIntText(value, radix: base)
        if digits.hasPrefix("-") { digits.removeFirst() }
        if verb == "X" { digits = digits.uppercased() }
        var zeros = 0
        if let precision = flags.precision {
            if digits.count < precision {
                zeros = precision - digits.count
            } else if digits == "0" && precision == 0 {
                return ""
            }
        }
        let length = sign.count + prefix.count + zeros + digits.count
        var left = 0
        var right = 0
        if let width = flags.width, length < width {
            if flags.minus {
                right = width - length
            } else if flags.zero && flags.precision == nil {
                zeros = width - length
            } else {
                left = width - length
            }
        }
        return String(repeating: " ", count: left) + sign + prefix + String(repeating: "0", count: zeros) + digits
            + String(repeating: " ", count: right)
    }

    /// A `float64` formatted by `verb`.
    static func float(_ value: Double, verb: Unicode.Scalar, flags: GoFlags) -> String {
        let style: Character
        var precision: Int?
        switch verb {
        case "v", "g", "G": style = verb == "G" ? "G" : "g"
        case "e", "E": style = Character(verb); precision = 6
        case "f", "F": style = "f"; precision = 6
        default: return badVerb(verb, .float(value))
        }
        if let explicit = flags.precision { precision = explicit }
        if !value.isFinite {
            let text = value.isNaN ? "NaN" : (value < 0 ? "-Inf" : (flags.space && !flags.plus ? " Inf" : "+Inf"))
            var spaces = flags
            spaces.zero = false
            return spaces.pad(text)
        }
        var number: String
        if let precision {
            number = CFormat.double(value.magnitude, precision: precision, style: style)
        } else {
            number = shortestG(value.magnitude)
            if style == "G" { number = number.uppercased() }
        }
        let sign = value.sign == .minus ? "-" : (flags.plus ? "+" : (flags.space ? " " : ""))
        if flags.zero, !flags.minus, let width = flags.width, width > sign.count + number.count {
            return sign + String(repeating: "0", count: width - sign.count - number.count) + number
        }
        return flags.pad(sign + number)
    }

    /// Go's `%v` and `%g` of a non-negative double: the shortest digits that read back the same, in exponent form
    /// when the decimal exponent is below -4 or at least 6 (`1e+06`, `1.5e-05`).
    static func shortestG(_ value: Double) -> String {
        let (digits, pointPosition) = shortestDigits(value)
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            var text = String(digits.prefix(1))
            if digits.count > 1 { text += "." + digits.dropFirst() }
            let magnitude = abs(exponent)
            return text + (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if pointPosition <= 0 { return "0." + String(repeating: "0", count: -pointPosition) + digits }
        if pointPosition >= digits.count { return digits + String(repeating: "0", count: pointPosition - digits.count) }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return digits[..<split] + "." + digits[split...]
    }

    /// The shortest round-tripping significant digits of a non-negative double, without leading or trailing zeros,
    /// and the position of the decimal point relative to them (`0.015` is `("15", -1)`).
    static func shortestDigits(_ value: Double) -> (digits: String, pointPosition: Int) {
        let text = "\(value)"
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts.first ?? "0"
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = pieces.first ?? ""
        let fraction = pieces.count > 1 ? pieces[1] : ""
        var digits = Substring(integerPart + fraction)
        var pointPosition = integerPart.count + exponent
        while digits.first == "0" {
            digits = digits.dropFirst()
            pointPosition -= 1
        }
        while digits.last == "0" { digits = digits.dropLast() }
        if digits.isEmpty { return ("0", 1) }
        return (String(digits), pointPosition)
    }

    /// A Go string formatted by `verb`.
    static func string(_ value: String, verb: Unicode.Scalar, flags: GoFlags) -> String {
        switch verb {
        case "s", "v":
            guard let precision = flags.precision else { return flags.pad(value) }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: value.unicodeScalars.prefix(precision))
            return flags.pad(String(view))
        case "q":
            if flags.sharp, canBackquote(value) { return flags.pad("`" + value + "`") }
            return flags.pad(quote(value, asciiOnly: flags.plus))
        case "x", "X":
            var bytes = Array(value.utf8)
            if let precision = flags.precision { bytes = Array(bytes.prefix(precision)) }
            let hexDigits = bytes.map { byte -> String in
                let hex = String(byte, radix: 16)
                let padded = byte < 16 ? "0" + hex : hex
                return verb == "X" ? padded.uppercased() : padded
            }
            let prefix = flags.sharp ? (verb == "X" ? "0X" : "0x") : ""
            if flags.space {
                return flags.pad(hexDigits.map { prefix + $0 }.joined(separator: " "))
            }
            return flags.pad((hexDigits.isEmpty ? "" : prefix) + hexDigits.joined())
        default:
            return badVerb(verb, .string(value))
        }
    }

    /// `%!verb(type=value)`, Go's note for an operand the verb does not apply to.
    static func badVerb(_ verb: Unicode.Scalar, _ argument: GoArgument) -> String {
        "%!" + String(verb) + "(" + argument.typeName + "="
            + GoPrinter.render(argument, verb: "v", flags: GoFlags()) + ")"
    }

    /// The code point an integer denotes, or U+FFFD when it denotes none.
    private static func rune(_ value: Int64) -> Unicode.Scalar {
        guard let code = UInt32(exactly: value), let scalar = Unicode.Scalar(code) else { return "\u{FFFD}" }
        return scalar
    }

    /// `U+0041`, or `U+0041 'A'` with `#`; the precision sets the minimum number of hex digits.
    private static func unicodeNotation(_ value: Int64, flags: GoFlags) -> String {
        var hex = String(UInt64(bitPattern: value), radix: 16, uppercase: true)
        let minimum = max(flags.precision ?? 4, 4)
        if hex.count < minimum { hex = String(repeating: "0", count: minimum - hex.count) + hex }
        var text = "U+" + hex
        if flags.sharp, let code = UInt32(exactly: value), let scalar = Unicode.Scalar(code), isPrintable(scalar) {
            text += " '" + String(Character(scalar)) + "'"
        }
        var plain = flags
        plain.zero = false
        return plain.pad(text)
    }

    /// Go's `strconv.QuoteRune` (or `QuoteRuneToASCII` with `+`): `'a'`, `'\n'`, `'\u00e9'`.
    private static func quoteRune(_ scalar: Unicode.Scalar, flags: GoFlags) -> String {
        if flags.sharp, scalar != "`", scalar != "\u{FEFF}", isPrintable(scalar) || scalar == "\t" {
            return "'" + String(scalar) + "'"
        }
        var out = "'"
        appendEscaped(scalar, quote: "'", asciiOnly: flags.plus, into: &out)
        return out + "'"
    }

    /// Go's `strconv.Quote` (or `QuoteToASCII`): a double-quoted literal with Go escapes.
    static func quote(_ text: String, asciiOnly: Bool) -> String {
        var out = "\""
        for scalar in text.unicodeScalars { appendEscaped(scalar, quote: "\"", asciiOnly: asciiOnly, into: &out) }
        return out + "\""
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, quote: Unicode.Scalar, asciiOnly: Bool,
                                      into out: inout String) {
        if scalar == quote || scalar == "\\" {
            out += "\\" + String(scalar)
            return
        }
        if isPrintable(scalar) && (!asciiOnly || scalar.isASCII) {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
            } else if scalar.value < 0x10000 {
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
            }
        }
    }

    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// Go's `strconv.CanBackquote`: one line without back quotes or control characters other than tab.
    private static func canBackquote(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar == "\t" || (scalar != "`" && scalar != "\u{FEFF}" && scalar.value >= 0x20 && scalar.value != 0x7F)
        }
    }
}
