import Testing
@testable import Rego

/// Calls the standard builtin `name` with `args`, at a fixed `time.now_ns`.
private func callTimeBuiltin(_ name: String, _ args: Value...) throws -> Value? {
    try invokeBuiltin(name, args, now: 1_700_000_000_123_456_789)
}

/// The error `name` throws for `args`, or `nil` when it succeeds.
private func timeBuiltinError(_ name: String, _ args: Value...) -> BuiltinError? { builtinError(name, args) }

private func ns(_ value: Int64) -> Value { .number(.int(value)) }

private func ints(_ values: Int...) -> Value { .array(values.map { .int($0) }) }

@Suite struct TimeParsingTests {
    @Test func nowIsTheContextTime() throws {
        // time.now_ns/consistent value for same evaluation
        #expect(try callTimeBuiltin("time.now_ns") == ns(1_700_000_000_123_456_789))
    }

    @Test func parsesGoLayouts() throws {
        // time/parse_nanos
        let cases: [(String, String, Int64)] = [
            ("2006-01-02T15:04:05Z07:00", "2017-06-02T19:00:00-07:00", 1_496_455_200_000_000_000),
            ("2006-01-02T15:04:05Z07:00", "1677-09-21T00:12:43.145224192-00:00", Int64.min),
            ("2006-01-02T15:04:05Z07:00", "2262-04-11T23:47:16.854775807-00:00", Int64.max),
            ("01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700", 1_496_455_200_000_000_000),
            ("02 Jan 06 15:04 -0700", "02 Jun 17 19:00 -0700", 1_496_455_200_000_000_000),
            ("RFC822Z", "02 Jun 17 19:00 -0700", 1_496_455_200_000_000_000),
            ("2006-01-02", "2020-02-02", 1_580_601_600_000_000_000),
            ("Mon, 02 Jan 2006 15:04:05 MST", "Fri, 02 Jun 2017 19:00:00 UTC", 1_496_430_000_000_000_000),
            ("2006-01-02 15:04:05.000", "2017-06-02 19:00:00.250", 1_496_430_000_250_000_000),
            ("Jan _2 2006 3:04pm", "Jun  2 2017 7:00pm", 1_496_430_000_000_000_000),
        ]
        for (layout, value, expected) in cases {
            #expect(try callTimeBuiltin("time.parse_ns", .string(layout), .string(value)) == ns(expected), "\(value)")
        }
    }

    @Test func rejectsTimesOutsideInt64() {
        // time/parse_nanos_too_small, parse_nanos_too_large, parse_rfc3339_nanos_too_small, …_too_large
        for value in ["1677-09-21T00:12:43.145224191-00:00", "2262-04-11T23:47:16.854775808-00:00"] {
            let error = timeBuiltinError("time.parse_ns", .string("2006-01-02T15:04:05Z07:00"), .string(value))
            #expect(error?.message == "time outside of valid range")
            #expect(timeBuiltinError("time.parse_rfc3339_ns", .string(value))?.message == "time outside of valid range")
        }
    }

    @Test func reportsGoParseErrors() {
        #expect(timeBuiltinError("time.parse_ns", .string("2006-01-02"), .string("2020-13-01"))?.message
                == #"parsing time "2020-13-01": month out of range"#)
        #expect(timeBuiltinError("time.parse_ns", .string("2006-01-02"), .string("2021-02-29"))?.message
                == #"parsing time "2021-02-29": day out of range"#)
        #expect(timeBuiltinError("time.parse_ns", .string("2006-01-02"), .string("2020/01/02"))?.message
                == #"parsing time "2020/01/02" as "2006-01-02": cannot parse "/01/02" as "-""#)
        #expect(timeBuiltinError("time.parse_ns", .string("2006-01-02"), .string("2020-01-02x"))?.message
                == #"parsing time "2020-01-02x" as "2006-01-02": extra text: "x""#)
    }

    @Test func parsesRFC3339() throws {
        // time/parse_rfc3339_nanos
        let cases: [(String, Int64)] = [
            ("1677-09-21T00:12:43.145224192-00:00", Int64.min),
            ("1970-01-01T00:00:00-00:00", 0),
            ("2017-06-02T19:00:00-07:00", 1_496_455_200_000_000_000),
            ("2262-04-11T23:47:16.854775807-00:00", Int64.max),
            ("2017-06-02T19:00:00.5Z", 1_496_430_000_500_000_000),
        ]
        for (value, expected) in cases {
            #expect(try callTimeBuiltin("time.parse_rfc3339_ns", .string(value)) == ns(expected), "\(value)")
        }
    }

    @Test func parsesDurations() throws {
        // time/parse duration nanos
        #expect(try callTimeBuiltin("time.parse_duration_ns", .string("100ms")) == ns(100_000_000))
        let cases: [(String, Int64)] = [
            ("0", 0), ("1h30m", 5_400_000_000_000), ("-1.5s", -1_500_000_000), ("1µs", 1_000), ("2us3ns", 2_003),
            (".5m", 30_000_000_000), ("2562047h47m16.854775807s", Int64.max), ("-2562047h47m16.854775808s", Int64.min),
        ]
        for (text, expected) in cases {
            #expect(try callTimeBuiltin("time.parse_duration_ns", .string(text)) == ns(expected), "\(text)")
        }
        #expect(timeBuiltinError("time.parse_duration_ns", .string("1"))?.message
                == #"time: missing unit in duration "1""#)
        #expect(timeBuiltinError("time.parse_duration_ns", .string("1x"))?.message
                == #"time: unknown unit "x" in duration "1x""#)
        #expect(timeBuiltinError("time.parse_duration_ns", .string("1h-1m"))?.message
                == #"time: unknown unit "h-" in duration "1h-1m""#)
        for invalid in ["", "-", ".s", "+.h", "2562047h47m16.854775808s", "9223372036854775808ns"] {
            #expect(timeBuiltinError("time.parse_duration_ns", .string(invalid))?.message
                    == "time: invalid duration \"\(invalid)\"", "\(invalid)")
        }
    }
}

@Suite struct TimeCalendarTests {
    @Test func dates() throws {
        // time/date, date with LA tz, date with empty tz, date leap day
        #expect(try callTimeBuiltin("time.date", ns(1_517_814_000_000_000_000)) == ints(2018, 2, 5))
        #expect(try callTimeBuiltin("time.date", .array([ns(1_517_814_000_000_000_000), .string("America/Los_Angeles")]))
                == ints(2018, 2, 4))
        #expect(try callTimeBuiltin("time.date", .array([ns(1_517_832_000_000_000_000), .string("")])) == ints(2018, 2, 5))
        #expect(try callTimeBuiltin("time.date", ns(1_582_977_600_000_000_000)) == ints(2020, 2, 29))
        #expect(try callTimeBuiltin("time.date", ns(-1)) == ints(1969, 12, 31))
    }

    @Test func timestampsBeyondInt64AreTooBig() {
        // time/date too big, clock too big, weekday too big, format too big
        let tooBig = Value.number(Number(1_582_977_600.0 * 1e12))
        for name in ["time.date", "time.clock", "time.weekday", "time.format"] {
            #expect(timeBuiltinError(name, tooBig)?.message == "timestamp too big", "\(name)")
        }
        #expect(timeBuiltinError("time.date", .number(Number(1.5)))?.message == "timestamp too big")
        #expect(timeBuiltinError("time.date", .array([ns(0), .string("Nowhere/Special")]))?.message
                == "unknown time zone Nowhere/Special")
        #expect(timeBuiltinError("time.date", .string("x"))?.kind == .type)
    }

    @Test func clocks() throws {
        // time/clock, clock with NY tz, clock leap day
        #expect(try callTimeBuiltin("time.clock", ns(1_517_832_000_000_000_000)) == ints(12, 0, 0))
        #expect(try callTimeBuiltin("time.clock", .array([ns(1_517_832_000_000_000_000), .string("America/New_York")]))
                == ints(7, 0, 0))
        #expect(try callTimeBuiltin("time.clock", ns(1_582_977_600_000_000_000)) == ints(12, 0, 0))
    }

    @Test func weekdays() throws {
        // time/weekday (seven cases)
        let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        for (offset, name) in names.enumerated() {
            let time = 1_517_832_000_000_000_000 + Int64(offset) * 86_400_000_000_000
            #expect(try callTimeBuiltin("time.weekday", ns(time)) == .string(name))
        }
    }

    @Test func addsDates() throws {
        // time/add_date year month day, add_date negative values
        #expect(try callTimeBuiltin("time.add_date", ns(1_585_852_421_593_912_000), .int(3), .int(9), .int(12))
                == ns(1_705_257_221_593_912_000))
        #expect(try callTimeBuiltin("time.add_date", ns(1_585_852_421_593_912_000), .int(-1), .int(-1), .int(-1))
                == ns(1_551_465_221_593_912_000))
        // Go's normalisation: 2021-01-31 plus one month is 2021-03-03.
        #expect(try callTimeBuiltin("time.add_date", ns(1_612_051_200_000_000_000), .int(0), .int(1), .int(0))
                == ns(1_614_729_600_000_000_000))
        // time/add_date too large result, add_date too small result
        #expect(timeBuiltinError("time.add_date", ns(0), .int(2262), .int(1), .int(1))?.message
                == "time outside of valid range")
        #expect(timeBuiltinError("time.add_date", ns(Int64.min), .int(0), .int(0), .int(-1))?.message
                == "time outside of valid range")
        #expect(timeBuiltinError("time.add_date", ns(0), .int(Int.max), .int(Int.max), .int(Int.min))?.message
                == "time outside of valid range")
    }

    @Test func differences() throws {
        // time/diff
        let now: Int64 = 1_700_000_000_123_456_789
        #expect(try callTimeBuiltin("time.diff", ns(now + 61_000_000_000), ns(now)) == ints(0, 0, 0, 0, 1, 1))
        #expect(try callTimeBuiltin("time.diff", .array([ns(now + 60_000_000_000), .string("UTC")]),
                                    .array([ns(now), .string("Asia/Shanghai")])) == ints(0, 0, 0, 0, 1, 0))
        func day(_ text: String) throws -> Value {
            try #require(try callTimeBuiltin("time.parse_ns", .string("2006-01-02"), .string(text)))
        }
        #expect(try callTimeBuiltin("time.diff", day("2020-02-02"), day("2020-03-01")) == ints(0, 0, 28, 0, 0, 0))
        #expect(try callTimeBuiltin("time.diff", day("2021-02-02"), day("2021-03-01")) == ints(0, 0, 27, 0, 0, 0))
        #expect(try callTimeBuiltin("time.diff", day("2004-02-29"), day("2005-03-01")) == ints(1, 0, 1, 0, 0, 0))
    }

    @Test func formats() throws {
        // time/format
        let time = ns(1_670_006_453_141_828_752)
        #expect(try callTimeBuiltin("time.format", time) == .string("2022-12-02T18:40:53.141828752Z"))
        #expect(try callTimeBuiltin("time.format", .array([time, .string("Asia/Kolkata")]))
                == .string("2022-12-03T00:10:53.141828752+05:30"))
        #expect(try callTimeBuiltin("time.format", .array([time, .string("Asia/Kolkata"),
                                                           .string("Mon Jan 02 15:04:05 -0700 2006")]))
                == .string("Sat Dec 03 00:10:53 +0530 2022"))
        #expect(try callTimeBuiltin("time.format", .array([time, .string("Asia/Kolkata"), .string("RFC1123Z")]))
                == .string("Sat, 03 Dec 2022 00:10:53 +0530"))
        // Zone abbreviations as Go prints them, from the TZif data: standard and daylight time, past and future.
        let zoneCases: [(Int64, String, String)] = [
            (1_670_006_453, "Asia/Kolkata", "Sat, 03 Dec 2022 00:10:53 IST"),
            (1_670_006_453, "America/Los_Angeles", "Fri, 02 Dec 2022 10:40:53 PST"),
            (1_656_806_400, "America/Los_Angeles", "Sat, 02 Jul 2022 17:00:00 PDT"),
            (4_121_020_800, "America/New_York", "Tue, 03 Aug 2100 20:00:00 EDT"),
            (1_670_006_453, "Asia/Dubai", "Fri, 02 Dec 2022 22:40:53 +04"),
        ]
        for (seconds, zone, expected) in zoneCases {
            #expect(try callTimeBuiltin("time.format", .array([ns(seconds * 1_000_000_000), .string(zone),
                                                               .string("RFC1123")])) == .string(expected), "\(zone)")
        }
        #expect(try callTimeBuiltin("time.format", .array([ns(0), .string("UTC"), .string("Kitchen")]))
                == .string("12:00AM"))
        #expect(try callTimeBuiltin("time.format", .array([ns(1_500_000_000), .string("UTC"),
                                                           .string("__2 002 _2 .000 ,999 pm MST Z07")]))
                == .string("  1 001  1 .500 ,5 am UTC Z"))
    }
}
