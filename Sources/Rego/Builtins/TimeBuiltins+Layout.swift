/// Go's reference-time layouts (`Mon Jan 2 15:04:05 MST 2006`), split into elements and used for formatting.
enum GoLayout {
    /// How a numeric zone offset is written: `Z07:00` and its relatives.
    struct OffsetStyle: Sendable, Equatable {
        /// `Z` for UTC (the `Z07…` forms) instead of `+00…`.
        var zForUTC: Bool
        /// `:` between the parts.
        var colons: Bool
        /// Only hours (`-07`).
        var hoursOnly: Bool
        /// Seconds too (`-07:00:00`).
        var withSeconds: Bool
    }

    /// One element of a layout.
    enum Element: Sendable, Equatable {
        case literal([UInt8])
        case longYear, year
        case longMonth, month, numMonth, zeroMonth
        case longWeekday, weekday
        case day, underDay, zeroDay, underYearDay, zeroYearDay
        case hour, hour12, zeroHour12, minute, zeroMinute, second, zeroSecond
        case pm(upper: Bool)
        case zoneName
        case offset(OffsetStyle)
        /// Fractional seconds after `separator`: exactly `digits` digits, or up to that many without trailing zeros.
        case fraction(separator: UInt8, digits: Int, trimmed: Bool)
    }

    /// Go's named layouts, which OPA accepts by name.
    static let named: [String: String] = [
        "ANSIC": "Mon Jan _2 15:04:05 2006",
        "UnixDate": "Mon Jan _2 15:04:05 MST 2006",
        "RubyDate": "Mon Jan 02 15:04:05 -0700 2006",
        "RFC822": "02 Jan 06 15:04 MST",
        "RFC822Z": "02 Jan 06 15:04 -0700",
        "RFC850": "Monday, 02-Jan-06 15:04:05 MST",
        "RFC1123": "Mon, 02 Jan 2006 15:04:05 MST",
        "RFC1123Z": "Mon, 02 Jan 2006 15:04:05 -0700",
        "RFC3339": "2006-01-02T15:04:05Z07:00",
        "RFC3339Nano": "2006-01-02T15:04:05.999999999Z07:00",
        "Kitchen": "3:04PM",
        "Stamp": "Jan _2 15:04:05",
        "StampMilli": "Jan _2 15:04:05.000",
        "StampMicro": "Jan _2 15:04:05.000000",
        "StampNano": "Jan _2 15:04:05.000000000",
        "DateTime": "2006-01-02 15:04:05",
        "DateOnly": "2006-01-02",
        "TimeOnly": "15:04:05",
    ]

    /// The layout text for a layout or one of Go's layout names.
    static func resolve(_ layout: String) -> String { named[layout] ?? layout }

    /// The elements of `layout`, with adjacent literal text merged.
    static func elements(of layout: String) -> [Element] {
        let bytes = Array(layout.utf8)
        var elements: [Element] = []
        var literal: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if let (element, length) = element(in: bytes, at: index) {
                if !literal.isEmpty { elements.append(.literal(literal)) }
                literal = []
                elements.append(element)
                index += length
            } else {
                literal.append(bytes[index])
                index += 1
            }
        }
        if !literal.isEmpty { elements.append(.literal(literal)) }
        return elements
    }

    /// The element that starts at `index`, and how many bytes it spans.
    private static func element(in bytes: [UInt8], at index: Int) -> (Element, Int)? {
        func has(_ text: String) -> Bool {
            let pattern = Array(text.utf8)
            return index + pattern.count <= bytes.count && Array(bytes[index..<index + pattern.count]) == pattern
        }
        func lowerCaseAt(_ position: Int) -> Bool {
            position < bytes.count && bytes[position] >= UInt8(ascii: "a") && bytes[position] <= UInt8(ascii: "z")
        }
        switch bytes[index] {
        case UInt8(ascii: "J"):
            if has("January") { return (.longMonth, 7) }
            if has("Jan"), !lowerCaseAt(index + 3) { return (.month, 3) }
        case UInt8(ascii: "M"):
            if has("Monday") { return (.longWeekday, 6) }
            if has("Mon"), !lowerCaseAt(index + 3) { return (.weekday, 3) }
            if has("MST") { return (.zoneName, 3) }
        case UInt8(ascii: "0"):
            let zeroElements: [Element] = [.zeroMonth, .zeroDay, .zeroHour12, .zeroMinute, .zeroSecond, .year]
            if index + 1 < bytes.count, (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[index + 1]) {
                return (zeroElements[Int(bytes[index + 1] - UInt8(ascii: "1"))], 2)
            }
            if has("002") { return (.zeroYearDay, 3) }
        case UInt8(ascii: "1"):
            return has("15") ? (.hour, 2) : (.numMonth, 1)
        case UInt8(ascii: "2"):
            return has("2006") ? (.longYear, 4) : (.day, 1)
        case UInt8(ascii: "_"):
            if has("_2"), !has("_2006") { return (.underDay, 2) }
            if has("__2") { return (.underYearDay, 3) }
        case UInt8(ascii: "3"): return (.hour12, 1)
        case UInt8(ascii: "4"): return (.minute, 1)
        case UInt8(ascii: "5"): return (.second, 1)
        case UInt8(ascii: "P"): if has("PM") { return (.pm(upper: true), 2) }
        case UInt8(ascii: "p"): if has("pm") { return (.pm(upper: false), 2) }
        case UInt8(ascii: "-"), UInt8(ascii: "Z"):
            let z = bytes[index] == UInt8(ascii: "Z")
            let lead = z ? "Z" : "-"
            let forms: [(String, OffsetStyle)] = [
                ("070000", OffsetStyle(zForUTC: z, colons: false, hoursOnly: false, withSeconds: true)),
                ("07:00:00", OffsetStyle(zForUTC: z, colons: true, hoursOnly: false, withSeconds: true)),
                ("0700", OffsetStyle(zForUTC: z, colons: false, hoursOnly: false, withSeconds: false)),
                ("07:00", OffsetStyle(zForUTC: z, colons: true, hoursOnly: false, withSeconds: false)),
                ("07", OffsetStyle(zForUTC: z, colons: false, hoursOnly: true, withSeconds: false)),
            ]
            for (form, style) in forms where has(lead + form) { return (.offset(style), form.utf8.count + 1) }
        case UInt8(ascii: "."), UInt8(ascii: ","):
            guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "0") || bytes[index + 1] == UInt8(ascii: "9")
            else { return nil }
            let digit = bytes[index + 1]
            var end = index + 1
            while end < bytes.count, bytes[end] == digit { end += 1 }
            if end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { return nil }
            return (.fraction(separator: bytes[index], digits: end - index - 1, trimmed: digit == UInt8(ascii: "9")),
                    end - index)
        default:
            break
        }
        return nil
    }

    /// `time` written in `layout`, as Go's `Time.Format`.
    static func format(_ time: CivilTime, layout: String) -> String {
        var out = ""
        for element in elements(of: layout) { append(element, of: time, to: &out) }
        return out
    }

    private static func padded(_ value: Int64, width: Int) -> String {
        let digits = String(value.magnitude)
        let zeros = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + zeros + digits
    }

    private static func padded(_ value: Int, width: Int) -> String { padded(Int64(value), width: width) }

    private static func append(_ element: Element, of time: CivilTime, to out: inout String) {
        switch element {
        case .literal(let bytes): out += String(decoding: bytes, as: UTF8.self)
        case .longYear: out += padded(time.year, width: 4)
        case .year: out += padded(CivilTime.floorDivide(time.year, 100).remainder, width: 2)
        case .longMonth: out += CivilTime.monthNames[time.month - 1]
        case .month: out += String(CivilTime.monthNames[time.month - 1].prefix(3))
        case .numMonth: out += String(time.month)
        case .zeroMonth: out += padded(time.month, width: 2)
        case .longWeekday: out += CivilTime.weekdayNames[time.weekday]
        case .weekday: out += String(CivilTime.weekdayNames[time.weekday].prefix(3))
        case .day: out += String(time.day)
        case .underDay: out += (time.day < 10 ? " " : "") + String(time.day)
        case .zeroDay: out += padded(time.day, width: 2)
        case .underYearDay:
            out += String(repeating: " ", count: time.yearDay < 10 ? 2 : (time.yearDay < 100 ? 1 : 0))
            out += String(time.yearDay)
        case .zeroYearDay: out += padded(time.yearDay, width: 3)
        case .hour: out += padded(time.hour, width: 2)
        case .hour12: out += String(time.hour % 12 == 0 ? 12 : time.hour % 12)
        case .zeroHour12: out += padded(time.hour % 12 == 0 ? 12 : time.hour % 12, width: 2)
        case .minute: out += String(time.minute)
        case .zeroMinute: out += padded(time.minute, width: 2)
        case .second: out += String(time.second)
        case .zeroSecond: out += padded(time.second, width: 2)
        case .pm(let upper):
            let text = time.hour >= 12 ? "PM" : "AM"
            out += upper ? text : text.lowercased()
        case .zoneName:
            if !time.zoneAbbreviation.isEmpty {
                out += time.zoneAbbreviation
            } else {
                let minutes = time.offset / 60
                out += (minutes < 0 ? "-" : "+") + padded(abs(minutes) / 60, width: 2) + padded(abs(minutes) % 60, width: 2)
            }
        case .offset(let style):
            out += offsetText(time.offset, style: style)
        case .fraction(let separator, let digits, let trimmed):
            var text = Array(padded(time.nanosecond, width: 9).utf8.prefix(digits))
            if trimmed { while text.last == UInt8(ascii: "0") { text.removeLast() } }
            if !text.isEmpty { out += String(decoding: [separator] + text, as: UTF8.self) }
        }
    }

    private static func offsetText(_ offset: Int, style: OffsetStyle) -> String {
        if style.zForUTC && offset == 0 { return "Z" }
        let magnitude = abs(offset)
        var text = (offset < 0 ? "-" : "+") + padded(magnitude / 3600, width: 2)
        if !style.hoursOnly {
            if style.colons { text += ":" }
            text += padded(magnitude / 60 % 60, width: 2)
        }
        if style.withSeconds {
            if style.colons { text += ":" }
            text += padded(magnitude % 60, width: 2)
        }
        return text
    }

    /// The layout text an element came from, for error messages.
    static func layoutText(of element: Element) -> String {
        switch element {
        case .literal(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .longYear: return "2006"
        case .year: return "06"
        case .longMonth: return "January"
        case .month: return "Jan"
        case .numMonth: return "1"
        case .zeroMonth: return "01"
        case .longWeekday: return "Monday"
        case .weekday: return "Mon"
        case .day: return "2"
        case .underDay: return "_2"
        case .zeroDay: return "02"
        case .underYearDay: return "__2"
        case .zeroYearDay: return "002"
        case .hour: return "15"
        case .hour12: return "3"
        case .zeroHour12: return "03"
        case .minute: return "4"
        case .zeroMinute: return "04"
        case .second: return "5"
        case .zeroSecond: return "05"
        case .pm(let upper): return upper ? "PM" : "pm"
        case .zoneName: return "MST"
        case .offset(let style):
            var text = style.zForUTC ? "Z07" : "-07"
            if !style.hoursOnly { text += style.colons ? ":00" : "00" }
            if style.withSeconds { text += style.colons ? ":00" : "00" }
            return text
        case .fraction(let separator, let count, let trimmed):
            return String(decoding: [separator], as: UTF8.self) + String(repeating: trimmed ? "9" : "0", count: count)
        }
    }
}
