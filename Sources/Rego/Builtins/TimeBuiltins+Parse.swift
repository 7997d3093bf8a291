/// Parsing times with Go layouts, as `time.Parse` does: text without a zone is UTC, and the result is nanoseconds
/// since the Unix epoch.
extension GoLayout {
    /// The fields read so far; `nil` for those the layout has not given.
    private struct Fields {
        var year: Int64 = 0
        var month: Int?
        var day: Int?
        var yearDay: Int?
        var hour = 0
        var minute = 0
        var second = 0
        var nanosecond = 0
        var pm: Bool?
        var offset = 0
    }

    /// Why parsing stopped, before the wording of Go's `ParseError` is applied.
    private enum Failure: Error {
        /// The value did not match the element at the start of `valueRest`.
        case mismatch(valueRest: [UInt8], element: String)
        /// A field is out of its range (`month`, `hour`, …).
        case outOfRange(String)
        /// Text remains after the layout ended.
        case extraText([UInt8])
        /// Another failure, written after `parsing time "value"`.
        case other(String)
    }

    /// Nanoseconds since the Unix epoch of `value` read with `layout`.
    /// - Throws: Go's parse error text, or `time outside of valid range` when the moment does not fit in `Int64`.
    static func parse(_ value: String, layout: String) throws(BuiltinError) -> Int64 {
        let quotedValue = EncodingBuiltins.goQuoted(value)
        do throws(Failure) {
            let fields = try readFields(Array(value.utf8), elements: elements(of: layout))
            return try instant(of: fields)
        } catch {
            switch error {
            case .mismatch(let rest, let element):
                let restText = EncodingBuiltins.goQuoted(String(decoding: rest, as: UTF8.self))
                throw BuiltinError.failure("parsing time \(quotedValue) as \(EncodingBuiltins.goQuoted(layout)): "
                                           + "cannot parse \(restText) as \(EncodingBuiltins.goQuoted(element))")
            case .outOfRange(let field):
                throw BuiltinError.failure("parsing time \(quotedValue): \(field) out of range")
            case .extraText(let rest):
                let restText = EncodingBuiltins.goQuoted(String(decoding: rest, as: UTF8.self))
                throw BuiltinError.failure("parsing time \(quotedValue) as \(EncodingBuiltins.goQuoted(layout)): "
                                           + "extra text: \(restText)")
            case .other(let message):
                throw BuiltinError.failure(message)
            }
        }
    }

    private static func instant(of input: Fields) throws(Failure) -> Int64 {
        var fields = input
        if let pm = fields.pm {
            if pm && fields.hour < 12 { fields.hour += 12 }
            if !pm && fields.hour == 12 { fields.hour = 0 }
        }
        if let yearDay = fields.yearDay {
            let days = CivilTime.days(year: fields.year, month: 1, day: 1) + Int64(yearDay - 1)
            let date = CivilTime.civilDate(fromDays: days)
            guard date.year == fields.year else { throw .outOfRange("day-of-year") }
            if let month = fields.month, month != date.month {
                throw .other("day-of-year does not match month")
            }
            if let day = fields.day, day != date.day { throw .other("day-of-year does not match day") }
            fields.month = date.month
            fields.day = date.day
        }
        let month = fields.month ?? 1
        let day = fields.day ?? 1
        guard day >= 1, day <= CivilTime.daysIn(month: month, year: fields.year) else { throw .outOfRange("day") }
        guard abs(fields.year) < 1_000_000 else { throw .other("time outside of valid range") }
        let days = CivilTime.days(year: fields.year, month: month, day: day)
        let seconds = days * 86_400 + Int64(fields.hour * 3600 + fields.minute * 60 + fields.second - fields.offset)
        guard let nanoseconds = CivilTime.unixNanoseconds(seconds: seconds, nanos: fields.nanosecond) else {
            throw .other("time outside of valid range")
        }
        return nanoseconds
    }

    private static func readFields(_ input: [UInt8], elements: [Element]) throws(Failure) -> Fields {
        var fields = Fields()
        var value = input[...]
        for (position, element) in elements.enumerated() {
            if case .literal(let text) = element {
                try skipLiteral(text, in: &value)
                continue
            }
            let start = value
            let fractionFollows: Bool
            if position + 1 < elements.count, case .fraction = elements[position + 1] {
                fractionFollows = true
            } else {
                fractionFollows = false
            }
            guard try read(element, from: &value, into: &fields, fractionFollows: fractionFollows) else {
                throw .mismatch(valueRest: Array(start), element: layoutText(of: element))
            }
        }
        if !value.isEmpty { throw .extraText(Array(value)) }
        return fields
    }

    /// Go's `skip`: literal bytes must match exactly, and a space matches any run of spaces.
    private static func skipLiteral(_ literal: [UInt8], in value: inout ArraySlice<UInt8>) throws(Failure) {
        var prefix = literal[...]
        while let expected = prefix.first {
            if expected == UInt8(ascii: " ") {
                if let next = value.first, next != UInt8(ascii: " ") {
                    throw .mismatch(valueRest: Array(value), element: String(decoding: prefix, as: UTF8.self))
                }
                prefix = prefix.drop { $0 == UInt8(ascii: " ") }
                value = value.drop { $0 == UInt8(ascii: " ") }
                continue
            }
            guard value.first == expected else {
                throw .mismatch(valueRest: Array(value), element: String(decoding: prefix, as: UTF8.self))
            }
            prefix = prefix.dropFirst()
            value = value.dropFirst()
        }
    }

    /// Reads one element into `fields`; `false` when the value does not have its form.
    private static func read(_ element: Element, from value: inout ArraySlice<UInt8>, into fields: inout Fields,
                             fractionFollows: Bool) throws(Failure) -> Bool {
        switch element {
        case .literal:
            return true
        case .year:
            guard let number = digits(&value, count: 2) else { return false }
            fields.year = Int64(number >= 69 ? 1900 + number : 2000 + number)
        case .longYear:
            guard let number = digits(&value, count: 4) else { return false }
            fields.year = Int64(number)
        case .month, .longMonth:
            let names = CivilTime.monthNames.map { element == .month ? String($0.prefix(3)) : $0 }
            guard let index = lookup(names, in: &value) else { return false }
            fields.month = index + 1
        case .numMonth, .zeroMonth:
            guard let month = twoDigits(&value, fixed: element == .zeroMonth) else { return false }
            guard (1...12).contains(month) else { throw .outOfRange("month") }
            fields.month = month
        case .weekday, .longWeekday:
            let names = CivilTime.weekdayNames.map { element == .weekday ? String($0.prefix(3)) : $0 }
            guard lookup(names, in: &value) != nil else { return false }
        case .day, .underDay, .zeroDay:
            if element == .underDay, value.first == UInt8(ascii: " ") { value = value.dropFirst() }
            guard let day = twoDigits(&value, fixed: element == .zeroDay) else { return false }
            fields.day = day
        case .underYearDay, .zeroYearDay:
            if element == .underYearDay { value = value.drop { $0 == UInt8(ascii: " ") } }
            guard let yearDay = upToThreeDigits(&value, fixed: element == .zeroYearDay) else { return false }
            guard (1...366).contains(yearDay) else { throw .outOfRange("day-of-year") }
            fields.yearDay = yearDay
        case .hour:
            guard let hour = twoDigits(&value, fixed: false) else { return false }
            guard hour < 24 else { throw .outOfRange("hour") }
            fields.hour = hour
        case .hour12, .zeroHour12:
            guard let hour = twoDigits(&value, fixed: element == .zeroHour12) else { return false }
            guard hour <= 12 else { throw .outOfRange("hour") }
            fields.hour = hour
        case .minute, .zeroMinute:
            guard let minute = twoDigits(&value, fixed: element == .zeroMinute) else { return false }
            guard minute < 60 else { throw .outOfRange("minute") }
            fields.minute = minute
        case .second, .zeroSecond:
            guard let second = twoDigits(&value, fixed: element == .zeroSecond) else { return false }
            guard second < 60 else { throw .outOfRange("second") }
            fields.second = second
            if !fractionFollows, value.count >= 2, isSeparator(value.first), isDigit(value.dropFirst().first) {
                let length = 1 + value.dropFirst().prefix { isDigit($0) }.count
                fields.nanosecond = nanoseconds(value.prefix(length))
                value = value.dropFirst(length)
            }
        case .pm(let upper):
            let marker = String(decoding: value.prefix(2), as: UTF8.self)
            switch marker {
            case upper ? "PM" : "pm": fields.pm = true
            case upper ? "AM" : "am": fields.pm = false
            default: return false
            }
            value = value.dropFirst(2)
        case .zoneName:
            return readZoneName(&value, into: &fields)
        case .offset(let style):
            return try readOffset(&value, style: style, into: &fields)
        case .fraction(_, let count, let trimmed):
            if trimmed {
                guard value.count >= 2, isSeparator(value.first), isDigit(value.dropFirst().first) else { return true }
                let length = 1 + value.dropFirst().prefix { isDigit($0) }.count
                fields.nanosecond = nanoseconds(value.prefix(length))
                value = value.dropFirst(length)
            } else {
                let length = count + 1
                guard value.count >= length, isSeparator(value.first),
                      value.dropFirst().prefix(count).allSatisfy({ isDigit($0) }) else { return false }
                fields.nanosecond = nanoseconds(value.prefix(length))
                value = value.dropFirst(length)
            }
        }
        return true
    }

    private static func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isSeparator(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") }

    /// Exactly `count` digits.
    private static func digits(_ value: inout ArraySlice<UInt8>, count: Int) -> Int? {
        let run = value.prefix(count)
        guard run.count == count, run.allSatisfy({ isDigit($0) }) else { return nil }
        value = value.dropFirst(count)
        return run.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// Go's `getnum`: one or two digits, or exactly two when `fixed`.
    private static func twoDigits(_ value: inout ArraySlice<UInt8>, fixed: Bool) -> Int? {
        guard isDigit(value.first) else { return nil }
        if !isDigit(value.dropFirst().first) {
            if fixed { return nil }
            return digits(&value, count: 1)
        }
        return digits(&value, count: 2)
    }

    /// Go's `getnum3`: one to three digits, or exactly three when `fixed`.
    private static func upToThreeDigits(_ value: inout ArraySlice<UInt8>, fixed: Bool) -> Int? {
        let run = value.prefix(3).prefix { isDigit($0) }.count
        guard run > 0, !fixed || run == 3 else { return nil }
        return digits(&value, count: run)
    }

    /// Nanoseconds of a fraction such as `.145224192`; digits past the ninth are ignored.
    private static func nanoseconds(_ fraction: ArraySlice<UInt8>) -> Int {
        let digits = fraction.dropFirst().prefix(9)
        var value = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        for _ in digits.count..<9 { value *= 10 }
        return value
    }

    /// The index of the name the value starts with, compared without regard to ASCII case.
    private static func lookup(_ names: [String], in value: inout ArraySlice<UInt8>) -> Int? {
        for (index, name) in names.enumerated() {
            let bytes = Array(name.utf8)
            let candidate = value.prefix(bytes.count)
            guard candidate.count == bytes.count else { continue }
            if zip(candidate, bytes).allSatisfy({ lowercased($0) == lowercased($1) }) {
                value = value.dropFirst(bytes.count)
                return index
            }
        }
        return nil
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// A zone abbreviation: `UTC`, `GMT` with an optional hour offset, or three to five capitals (offset unknown,
    /// so zero, as Go does for zones that are not local).
    private static func readZoneName(_ value: inout ArraySlice<UInt8>, into fields: inout Fields) -> Bool {
        if value.starts(with: Array("UTC".utf8)) {
            value = value.dropFirst(3)
            return true
        }
        let letters = value.prefix { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }.count
        if value.starts(with: Array("GMT".utf8)) {
            value = value.dropFirst(3)
            if let sign = value.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                let hours = value.dropFirst().prefix { isDigit($0) }
                guard !hours.isEmpty, hours.count <= 2 else { return false }
                let number = hours.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                fields.offset = (sign == UInt8(ascii: "-") ? -number : number) * 3600
                value = value.dropFirst(1 + hours.count)
            }
            return true
        }
        guard (3...5).contains(letters) else { return false }
        value = value.dropFirst(letters)
        return true
    }

    /// A numeric zone offset, or `Z` for the `Z07…` forms.
    private static func readOffset(_ value: inout ArraySlice<UInt8>, style: OffsetStyle,
                                   into fields: inout Fields) throws(Failure) -> Bool {
        if style.zForUTC, value.first == UInt8(ascii: "Z") {
            value = value.dropFirst()
            fields.offset = 0
            return true
        }
        guard let sign = value.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return false }
        var rest = value.dropFirst()
        guard let hours = digits(&rest, count: 2) else { return false }
        var minutes = 0
        var seconds = 0
        if !style.hoursOnly {
            if style.colons {
                guard rest.first == UInt8(ascii: ":") else { return false }
                rest = rest.dropFirst()
            }
            guard let number = digits(&rest, count: 2) else { return false }
            minutes = number
        }
        if style.withSeconds {
            if style.colons {
                guard rest.first == UInt8(ascii: ":") else { return false }
                rest = rest.dropFirst()
            }
            guard let number = digits(&rest, count: 2) else { return false }
            seconds = number
        }
        if hours > 24 { throw .outOfRange("time zone offset hour") }
        if minutes > 60 { throw .outOfRange("time zone offset minute") }
        if seconds > 60 { throw .outOfRange("time zone offset second") }
        let magnitude = hours * 3600 + minutes * 60 + seconds
        fields.offset = sign == UInt8(ascii: "-") ? -magnitude : magnitude
        value = rest
        return true
    }
}
