/// Base64 as Go's `encoding/base64` reads and writes it, so that results and error offsets match OPA.
struct Base64Codec: Sendable {
    /// Why decoding failed: the byte offset Go's `CorruptInputError` names.
    struct CorruptInput: Error, Sendable {
        let offset: Int
        /// Go's message: `illegal base64 data at input byte 13`.
        var message: String { "illegal base64 data at input byte \(offset)" }
    }

    /// The 64 digits in value order.
    private let alphabet: [UInt8]
    /// Whether encoded text ends in `=` padding, and decoding requires it.
    let padded: Bool
    /// The value of each byte as a digit, or `nil` when it is not one.
    private let digitValues: [UInt8?]

    private init(lastTwo: String, padded: Bool) {
        alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8) + Array(lastTwo.utf8)
        self.padded = padded
        var values = [UInt8?](repeating: nil, count: 256)
        for (index, digit) in alphabet.enumerated() { values[Int(digit)] = UInt8(index) }
        digitValues = values
    }

    /// Go's `base64.StdEncoding`.
    static let standard = Base64Codec(lastTwo: "+/", padded: true)
    /// Go's `base64.URLEncoding`.
    static let url = Base64Codec(lastTwo: "-_", padded: true)
    /// Go's `base64.RawURLEncoding`.
    static let rawURL = Base64Codec(lastTwo: "-_", padded: false)

    /// The base64 text of `bytes`.
    func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = second == nil ? nil : iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            if second != nil { out.append(alphabet[Int(group >> 6 & 63)]) } else if padded { out.append(61) }
            if third != nil { out.append(alphabet[Int(group & 63)]) } else if padded { out.append(61) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes as Go's non-strict decoder does: line breaks are skipped, padding is checked, and the first bad byte
    /// is reported by offset.
    func decode(_ text: String) throws(CorruptInput) -> [UInt8] {
        let input = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3 + 3)
        var position = 0
        while position < input.count {
            var digits: [UInt8] = []
            var finished = false
            while digits.count < 4 {
                if position == input.count {
                    if digits.isEmpty { return output }
                    if digits.count == 1 || padded { throw CorruptInput(offset: position - digits.count) }
                    finished = true
                    break
                }
                let byte = input[position]
                position += 1
                if let value = digitValues[Int(byte)] {
                    digits.append(value)
                    continue
                }
                if byte == 0x0A || byte == 0x0D { continue }
                guard padded, byte == 61 else { throw CorruptInput(offset: position - 1) }
                try readPadding(after: digits.count, input: input, position: &position)
                finished = true
                break
            }
            appendBytes(of: digits, to: &output)
            if finished { return output }
        }
        return output
    }

    /// Checks the padding that starts just before `position`, after `digitCount` digits of the last group, and that
    /// nothing but line breaks follows it.
    private func readPadding(after digitCount: Int, input: [UInt8], position: inout Int) throws(CorruptInput) {
        if digitCount < 2 { throw CorruptInput(offset: position - 1) }
        if digitCount == 2 {
            skipLineBreaks(input, &position)
            if position == input.count { throw CorruptInput(offset: input.count) }
            if input[position] != 61 { throw CorruptInput(offset: position - 1) }
            position += 1
        }
        skipLineBreaks(input, &position)
        if position < input.count { throw CorruptInput(offset: position) }
    }

    private func skipLineBreaks(_ input: [UInt8], _ position: inout Int) {
        while position < input.count, input[position] == 0x0A || input[position] == 0x0D { position += 1 }
    }

    private func appendBytes(of digits: [UInt8], to output: inout [UInt8]) {
        var group: UInt32 = 0
        for (index, digit) in digits.enumerated() { group |= UInt32(digit) << UInt32(18 - 6 * index) }
        output.append(UInt8(truncatingIfNeeded: group >> 16))
        if digits.count > 2 { output.append(UInt8(truncatingIfNeeded: group >> 8)) }
        if digits.count > 3 { output.append(UInt8(truncatingIfNeeded: group)) }
    }

    /// Decodes base64url that may lack its padding, as OPA's `base64url.decode` and JWT decoding do: text without a
    /// trailing `=` is padded to a multiple of four first.
    static func decodeURLPaddingIfNeeded(_ text: String) throws(BuiltinError) -> [UInt8] {
        var padded = text
        if !text.hasSuffix("=") {
            switch text.utf8.count % 4 {
            case 2: padded += "=="
            case 3: padded += "="
            case 1: throw BuiltinError.failure("illegal base64url string: \(text)")
            default: break
            }
        }
        do {
            return try url.decode(padded)
        } catch {
            throw BuiltinError.failure(error.message)
        }
    }
}
