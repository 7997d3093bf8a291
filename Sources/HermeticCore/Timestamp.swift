#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Times as the verifiers print them in errors and claims.
public enum Timestamp {
    /// RFC 3339 in UTC to the second (`2026-01-20T00:00:00Z`), through a format style: an `ISO8601DateFormatter`
    /// made per call costs more than a quote's signature checks.
    public static func text(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}
