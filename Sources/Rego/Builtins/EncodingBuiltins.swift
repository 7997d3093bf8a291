/// The encoding builtins: `base64.*`, `base64url.*`, `hex.*`, `urlquery.*`, `json.*` and `yaml.*`.
enum EncodingBuiltins {
    static let all: [Builtin] = base64Builtins + hexBuiltins + urlBuiltins + jsonBuiltins + yamlBuiltins

    static let base64Builtins: [Builtin] = [
        Builtin("base64.encode", arity: 1) { args, _ in
            .string(Base64Codec.standard.encode(Array(try args.string(0).utf8)))
        },
        Builtin("base64.decode", arity: 1) { args, _ in
            let text = try args.string(0)
            do throws(Base64Codec.CorruptInput) {
                return .string(String(decoding: try Base64Codec.standard.decode(text), as: UTF8.self))
            } catch {
                throw BuiltinError.failure(error.message)
            }
        },
        Builtin("base64.is_valid", arity: 1) { args, _ in
            .bool((try? Base64Codec.standard.decode(try args.string(0))) != nil)
        },
        Builtin("base64url.encode", arity: 1) { args, _ in
            .string(Base64Codec.url.encode(Array(try args.string(0).utf8)))
        },
        Builtin("base64url.encode_no_pad", arity: 1) { args, _ in
            .string(Base64Codec.rawURL.encode(Array(try args.string(0).utf8)))
        },
        Builtin("base64url.decode", arity: 1) { args, _ in
            .string(String(decoding: try Base64Codec.decodeURLPaddingIfNeeded(try args.string(0)), as: UTF8.self))
        },
    ]

    static let hexBuiltins: [Builtin] = [
        Builtin("hex.encode", arity: 1) { args, _ in .string(hexString(try args.string(0).utf8)) },
        Builtin("hex.decode", arity: 1) { args, _ in
            .string(String(decoding: try decodeHex(try args.string(0)), as: UTF8.self))
        },
    ]

    /// Lower-case hex digits of `bytes`.
    static func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex as Go's `hex.DecodeString`: a bad digit is reported before an odd length.
    static func decodeHex(_ text: String) throws(BuiltinError) -> [UInt8] {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2)
        var index = 1
        while index < input.count {
            guard let high = hexDigitValue(input[index - 1]) else { throw invalidHexByte(input[index - 1]) }
            guard let low = hexDigitValue(input[index]) else { throw invalidHexByte(input[index]) }
            output.append(high << 4 | low)
            index += 2
        }
        if input.count % 2 == 1 {
            if let last = input.last, hexDigitValue(last) == nil { throw invalidHexByte(last) }
            throw BuiltinError.failure("encoding/hex: odd length hex string")
        }
        return output
    }

    static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Go's `InvalidByteError` text, which prints the byte as a code point with `%#U`: `U+0067 'g'`.
    static func invalidHexByte(_ byte: UInt8) -> BuiltinError {
        let code = String(byte, radix: 16, uppercase: true)
        var text = "encoding/hex: invalid byte: U+" + String(repeating: "0", count: 4 - code.count) + code
        let printable = (0x20...0x7E).contains(byte) || ((0xA1...0xFF).contains(byte) && byte != 0xAD)
        if printable { text += " '" + String(Character(Unicode.Scalar(byte))) + "'" }
        return BuiltinError.failure(text)
    }
}
