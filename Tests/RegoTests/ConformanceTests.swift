import Foundation
import Testing
import TestSupport
@testable import Rego

/// OPA's conformance suite and the corpus' extra cases, run as OPA's runner does. Cases that do not pass yet are
/// listed in `rego/known-failures.txt`; a new failure, or a listed case that now passes, fails the test, so the
/// list only shrinks.
@Suite struct ConformanceTests {
    static func knownFailures() throws -> Set<String> {
        let text = try String(contentsOf: Fixtures.url("rego/known-failures.txt"), encoding: .utf8)
        return Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty })
    }

    static func run(_ directory: String) throws -> (total: Int, failures: [String: String]) {
        let cases = try ConformanceCase.load(under: directory)
        var failures: [String: String] = [:]
        let environment = ProcessInfo.processInfo.environment
        let filter = environment["REGO_CONFORMANCE_FILTER"]
        for testCase in cases {
            if let filter, !testCase.note.hasPrefix(filter) { continue }
            if environment["REGO_CONFORMANCE_TRACE"] != nil {
                FileHandle.standardError.write(Data((testCase.note + "\n").utf8))
            }
            if let reason = ConformanceRunner.failure(of: testCase) { failures[testCase.note] = reason }
        }
        return (cases.count, failures)
    }

    @Test func opaConformanceSuite() throws {
        let (total, failures) = try Self.run("rego/opa-conformance")
        let known = try Self.knownFailures()
        let passed = total - failures.count
        print("OPA conformance: \(passed) of \(total) pass (\(failures.count) fail)")
        if let dump = ProcessInfo.processInfo.environment["REGO_CONFORMANCE_DUMP"] {
            let lines = failures.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)" }
            try lines.joined(separator: "\n").write(toFile: dump, atomically: true, encoding: .utf8)
        }
        for (note, reason) in failures.sorted(by: { $0.key < $1.key }) where !known.contains(note) {
            Issue.record("\(note): \(reason)")
        }
        for note in known.sorted() where failures[note] == nil && note.contains("/") && !note.hasPrefix("extra/") {
            Issue.record("\(note) now passes: remove it from known-failures.txt")
        }
        #expect(Double(passed) >= 0.97 * Double(total))
    }

    @Test func extraCases() throws {
        let (_, failures) = try Self.run("rego/extra-cases")
        for (note, reason) in failures.sorted(by: { $0.key < $1.key }) { Issue.record("\(note): \(reason)") }
    }
}
