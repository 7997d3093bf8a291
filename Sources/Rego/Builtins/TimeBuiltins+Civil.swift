#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A time zone as Go's `time.LoadLocation` names it: `""` and `"UTC"` are UTC, `"Local"` is the host's zone, other
/// names are IANA zones.
struct GoTimeZone: Sendable {
    /// The IANA zone, or `nil` for UTC.
    let zone: TimeZone?

    static let utc = GoTimeZone(zone: nil)

    /// The zone called `name`.
    /// - Throws: Go's `unknown time zone <name>` when there is no such zone.
    static func named(_ name: String) throws(BuiltinError) -> GoTimeZone {
        switch name {
        case "", "UTC": return .utc
        case "Local": return GoTimeZone(zone: TimeZone.current)
        default:
            guard let zone = TimeZone(identifier: name) else { throw BuiltinError.failure("unknown time zone \(name)") }
            return GoTimeZone(zone: zone)
        }
    }

    /// The offset from UTC, in seconds, at `seconds` after the Unix epoch.
    func offset(atUnixSeconds seconds: Int64) -> Int {
        guard let zone else { return 0 }
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    }

    /// The zone's abbreviation at `seconds` after the Unix epoch, as `MST` in a layout prints it.
    func abbreviation(atUnixSeconds seconds: Int64) -> String {
        guard let zone else { return "UTC" }
        let date = Date(timeIntervalSince1970: Double(seconds))
        return ZoneAbbreviation.lookup(zone.identifier, atUnixSeconds: seconds,
                                       isDaylightTime: zone.isDaylightSavingTime(for: date))
            ?? zone.abbreviation(for: date) ?? ""
    }

    /// The UTC seconds of local wall-clock `localSeconds`, resolving the offset as Go's `time.Date` does.
    func unixSeconds(fromLocal localSeconds: Int64) -> Int64 {
        let guess = localSeconds - Int64(offset(atUnixSeconds: localSeconds))
        return localSeconds - Int64(offset(atUnixSeconds: guess))
    }
}

/// A moment broken into calendar and clock fields in some zone (proleptic Gregorian calendar).
struct CivilTime: Sendable {
    var year: Int64
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var nanosecond: Int
    /// 0 for Sunday through 6 for Saturday.
    var weekday: Int
    /// 1 for January 1st.
    var yearDay: Int
    /// Seconds east of UTC.
    var offset: Int
    /// The zone's abbreviation at this moment.
    var zoneAbbreviation: String

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]
    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// The fields of `nanoseconds` after the Unix epoch, in `zone`.
    init(unixNanoseconds nanoseconds: Int64, in zone: GoTimeZone) {
        let (seconds, nanos) = CivilTime.floorDivide(nanoseconds, 1_000_000_000)
        offset = zone.offset(atUnixSeconds: seconds)
        zoneAbbreviation = zone.abbreviation(atUnixSeconds: seconds)
        let (days, secondOfDay) = CivilTime.floorDivide(seconds + Int64(offset), 86_400)
        (year, month, day) = CivilTime.civilDate(fromDays: days)
        hour = Int(secondOfDay / 3600)
        minute = Int(secondOfDay % 3600 / 60)
        second = Int(secondOfDay % 60)
        nanosecond = Int(nanos)
        weekday = Int(CivilTime.floorDivide(days + 4, 7).remainder)
        yearDay = Int(days - CivilTime.days(year: year, month: 1, day: 1)) + 1
    }

    /// Floor division and its non-negative remainder.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// Days since 1970-01-01 of a date; `month` and `day` in their usual ranges, `year` within ±10^9.
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01.
    static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeapYear(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Nanoseconds since the Unix epoch of UTC `seconds` and `nanos`, or `nil` outside `Int64`.
    static func unixNanoseconds(seconds: Int64, nanos: Int) -> Int64? {
        let total = Int128(seconds) * 1_000_000_000 + Int128(nanos)
        return Int64(exactly: total)
    }
}
