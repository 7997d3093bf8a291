#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `time.*` builtins. Times are nanoseconds since the Unix epoch; calendar functions take either such a number
/// or `[ns, zone]` (and `time.format` also `[ns, zone, layout]`).
enum TimeBuiltins {
    static let all: [Builtin] = parsing + calendar

    static let parsing: [Builtin] = [
        Builtin("time.now_ns", arity: 0) { _, context in .number(.int(context.nowNanoseconds)) },
        Builtin("time.parse_ns", arity: 2) { args, _ in
            let layout = GoLayout.resolve(try args.string(0))
            return .number(.int(try GoLayout.parse(try args.string(1), layout: layout)))
        },
        Builtin("time.parse_rfc3339_ns", arity: 1) { args, _ in
            .number(.int(try GoLayout.parse(try args.string(0), layout: "2006-01-02T15:04:05Z07:00")))
        },
        Builtin("time.parse_duration_ns", arity: 1) { args, _ in
            .number(.int(try GoDuration.parse(try args.string(0))))
        },
        // OPA's `test.sleep(duration)`: pauses the query, which shows that `time.now_ns` is taken once per query.
        // Capped at a second so that a policy cannot stall its caller.
        Builtin("test.sleep", arity: 1) { args, _ in
            let nanoseconds = min(max(try GoDuration.parse(try args.string(0)), 0), 1_000_000_000)
            var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
            return .null
        },
    ]

    static let calendar: [Builtin] = [
        Builtin("time.date", arity: 1) { args, _ in
            let time = try TimeOperand(args[0]).civil
            return .array([.number(.int(time.year)), .int(time.month), .int(time.day)])
        },
        Builtin("time.clock", arity: 1) { args, _ in
            let time = try TimeOperand(args[0]).civil
            return .array([.int(time.hour), .int(time.minute), .int(time.second)])
        },
        Builtin("time.weekday", arity: 1) { args, _ in
            .string(CivilTime.weekdayNames[try TimeOperand(args[0]).civil.weekday])
        },
        Builtin("time.format", arity: 1) { args, _ in
            let operand = try TimeOperand(args[0], allowsLayout: true)
            return .string(GoLayout.format(operand.civil, layout: operand.layout))
        },
        Builtin("time.add_date", arity: 4) { args, _ in
            .number(.int(try addDate(TimeOperand(args[0]), years: args.int(1), months: args.int(2), days: args.int(3))))
        },
        Builtin("time.diff", arity: 2) { args, _ in
            try difference(TimeOperand(args[0]), TimeOperand(args[1]))
        },
    ]

    static let outsideRange = BuiltinError.failure("time outside of valid range")

    /// Go's `Time.AddDate` in the operand's zone: the wall clock is kept, overflowing months and days roll over.
    static func addDate(_ operand: TimeOperand, years: Int, months: Int, days: Int) throws(BuiltinError) -> Int64 {
        let time = operand.civil
        let totalMonths = Int128(time.year) * 12 + Int128(time.month - 1) + Int128(years) * 12 + Int128(months)
        var (year, monthIndex) = totalMonths.quotientAndRemainder(dividingBy: 12)
        if monthIndex < 0 {
            year -= 1
            monthIndex += 12
        }
        guard year.magnitude < 1_000_000 else { throw outsideRange }
        let firstOfMonth = CivilTime.days(year: Int64(year), month: Int(monthIndex) + 1, day: 1)
        let dayNumber = Int128(firstOfMonth) + Int128(time.day - 1) + Int128(days)
        guard dayNumber.magnitude < 1_000_000_000 else { throw outsideRange }
        let secondOfDay = time.hour * 3600 + time.minute * 60 + time.second
        let local = Int64(dayNumber) * 86_400 + Int64(secondOfDay)
        let seconds = operand.zone.unixSeconds(fromLocal: local)
        guard let result = CivilTime.unixNanoseconds(seconds: seconds, nanos: time.nanosecond) else { throw outsideRange }
        return result
    }

    /// `[years, months, days, hours, minutes, seconds]` between two times, in the first operand's zone, whichever
    /// comes first.
    static func difference(_ a: TimeOperand, _ b: TimeOperand) -> Value {
        let (earlier, later) = a.nanoseconds <= b.nanoseconds ? (a.nanoseconds, b.nanoseconds) : (b.nanoseconds, a.nanoseconds)
        let start = CivilTime(unixNanoseconds: earlier, in: a.zone)
        let end = CivilTime(unixNanoseconds: later, in: a.zone)
        var years = end.year - start.year
        var months = end.month - start.month
        var days = end.day - start.day
        var hours = end.hour - start.hour
        var minutes = end.minute - start.minute
        var seconds = end.second - start.second
        if seconds < 0 {
            seconds += 60
            minutes -= 1
        }
        if minutes < 0 {
            minutes += 60
            hours -= 1
        }
        if hours < 0 {
            hours += 24
            days -= 1
        }
        if days < 0 {
            days += CivilTime.daysIn(month: start.month, year: start.year)
            months -= 1
        }
        if months < 0 {
            months += 12
            years -= 1
        }
        return .array([.number(.int(years)), .int(months), .int(days), .int(hours), .int(minutes), .int(seconds)])
    }
}

/// A time operand: nanoseconds, or `[ns, zone]`, or `[ns, zone, layout]` where a layout is allowed.
struct TimeOperand: Sendable {
    let nanoseconds: Int64
    let zone: GoTimeZone
    /// The layout for `time.format`; RFC 3339 with nanoseconds unless given.
    let layout: String

    private static let expected = "either number (ns) or [number (ns), string (tz)]"

    init(_ value: Value, allowsLayout: Bool = false) throws(BuiltinError) {
        var zoneName = "UTC"
        var layout = "2006-01-02T15:04:05.999999999Z07:00"
        let number: Number
        switch value {
        case .number(let n):
            number = n
        case .array(let elements) where !elements.isEmpty:
            guard case .number(let n) = elements[0] else { throw BuiltinError.operand(1, mustBe: "number", got: elements[0]) }
            number = n
            if elements.count > 1 {
                guard case .string(let name) = elements[1] else {
                    throw BuiltinError.operand(1, mustBe: "string", got: elements[1])
                }
                zoneName = name
            }
            if elements.count > 2, allowsLayout {
                guard case .string(let text) = elements[2] else {
                    throw BuiltinError.operand(1, mustBe: "string", got: elements[2])
                }
                layout = GoLayout.resolve(text)
            }
        default:
            throw BuiltinError.operand(1, mustBe: TimeOperand.expected, got: value)
        }
        guard case .int(let nanoseconds) = number else { throw BuiltinError.failure("timestamp too big") }
        self.nanoseconds = nanoseconds
        self.zone = try GoTimeZone.named(zoneName)
        self.layout = layout
    }

    /// The operand's calendar and clock fields in its zone.
    var civil: CivilTime { CivilTime(unixNanoseconds: nanoseconds, in: zone) }
}
