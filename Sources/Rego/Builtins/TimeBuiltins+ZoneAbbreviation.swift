#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Zone abbreviations (`PST`, `IST`, `+04`) read from the system's TZif files, as Go prints them for `MST` in a
/// layout. Foundation on Linux only offers `GMT+5:30` style names.
enum ZoneAbbreviation {
    private static let directories = ["/usr/share/zoneinfo", "/var/db/timezone/zoneinfo", "/usr/lib/zoneinfo"]

    /// The abbreviation in force in zone `identifier` at `seconds` after the Unix epoch; `isDaylightTime` picks
    /// between the standard and daylight names of the rule that applies after the file's last transition.
    static func lookup(_ identifier: String, atUnixSeconds seconds: Int64, isDaylightTime: Bool) -> String? {
        guard !identifier.contains(".."), let bytes = fileBytes(identifier) else { return nil }
        return abbreviation(in: bytes, atUnixSeconds: seconds, isDaylightTime: isDaylightTime)
    }

    private static func fileBytes(_ identifier: String) -> [UInt8]? {
        for directory in directories {
            if let data = FileManager.default.contents(atPath: directory + "/" + identifier) { return Array(data) }
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int, width: Int) -> Int64? {
        guard offset >= 0, offset + width <= bytes.count else { return nil }
        var value: UInt64 = 0
        for index in offset..<offset + width { value = value << 8 | UInt64(bytes[index]) }
        return width == 4 ? Int64(Int32(truncatingIfNeeded: value)) : Int64(bitPattern: value)
    }

    /// Reads the 64-bit data block of a version 2+ TZif file (the 32-bit one for version 1).
    static func abbreviation(in bytes: [UInt8], atUnixSeconds seconds: Int64, isDaylightTime: Bool) -> String? {
        guard bytes.count >= 44, bytes.starts(with: Array("TZif".utf8)) else { return nil }
        func counts(at header: Int) -> [Int]? {
            var values: [Int] = []
            for index in 0..<6 {
                guard let value = bigEndian(bytes, header + 20 + 4 * index, width: 4), value >= 0, value < 1_000_000 else {
                    return nil
                }
                values.append(Int(value))
            }
            return values
        }
        guard var header = counts(at: 0) else { return nil }
        var start = 44
        var timeWidth = 4
        if bytes[4] >= UInt8(ascii: "2") {
            let (isUT, isStd, leaps, times, types, chars) = (header[0], header[1], header[2], header[3], header[4], header[5])
            let secondHeader = 44 + times * 5 + types * 6 + chars + leaps * 8 + isStd + isUT
            guard let second = counts(at: secondHeader) else { return nil }
            header = second
            start = secondHeader + 44
            timeWidth = 8
        }
        let (isUT, isStd, leaps, times, types, chars) = (header[0], header[1], header[2], header[3], header[4], header[5])
        let typeIndexes = start + times * timeWidth
        let typeRecords = typeIndexes + times
        let abbreviations = typeRecords + types * 6
        let footer = abbreviations + chars + leaps * (timeWidth + 4) + isStd + isUT
        guard types > 0, footer <= bytes.count else { return nil }

        func name(ofType type: Int) -> String? {
            guard type < types else { return nil }
            let index = Int(bytes[typeRecords + type * 6 + 5])
            guard index < chars else { return nil }
            let text = bytes[(abbreviations + index)..<(abbreviations + chars)].prefix { $0 != 0 }
            return String(decoding: text, as: UTF8.self)
        }

        var lastTransition: Int? = nil
        for transition in 0..<times {
            guard let at = bigEndian(bytes, start + transition * timeWidth, width: timeWidth), at <= seconds else { break }
            lastTransition = transition
        }
        if let transition = lastTransition {
            if transition < times - 1 || timeWidth == 4 { return name(ofType: Int(bytes[typeIndexes + transition])) }
            if let names = footerNames(Array(bytes[footer...])) {
                return isDaylightTime ? (names.daylight ?? names.standard) : names.standard
            }
            return name(ofType: Int(bytes[typeIndexes + transition]))
        }
        if times == 0, let names = footerNames(Array(bytes[footer...])) {
            return isDaylightTime ? (names.daylight ?? names.standard) : names.standard
        }
        return name(ofType: 0)
    }

    /// The standard and daylight names of the POSIX TZ rule in a TZif footer (`\nPST8PDT,M3.2.0,M11.1.0\n`).
    private static func footerNames(_ footer: [UInt8]) -> (standard: String, daylight: String?)? {
        guard footer.first == 0x0A else { return nil }
        var rule = footer.dropFirst().prefix { $0 != 0x0A }
        func readName() -> String? {
            if rule.first == UInt8(ascii: "<") {
                let body = rule.dropFirst().prefix { $0 != UInt8(ascii: ">") }
                rule = rule.dropFirst(body.count + 2)
                return String(decoding: body, as: UTF8.self)
            }
            let letters = rule.prefix { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0 & 0xDF) }
            rule = rule.dropFirst(letters.count)
            return letters.isEmpty ? nil : String(decoding: letters, as: UTF8.self)
        }
        guard let standard = readName() else { return nil }
        rule = rule.drop { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        return (standard, readName())
    }
}
