import Testing
@testable import Rego

private func callSemverBuiltin(_ name: String, _ args: Value...) throws -> Value? { try invokeBuiltin(name, args) }

@Suite struct SemverBuiltinTests {
    @Test func compares() throws {
        // semvercompare/a < b, a > b, a == b
        #expect(try callSemverBuiltin("semver.compare", .string("1.0.0"), .string("2.0.0")) == .int(-1))
        #expect(try callSemverBuiltin("semver.compare", .string("2.0.0"), .string("1.0.0")) == .int(1))
        #expect(try callSemverBuiltin("semver.compare", .string("1.0.0"), .string("1.0.0")) == .int(0))
        // semver.org precedence: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
        // < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                       "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0", "10.0.0"]
        for (lower, higher) in zip(ordered, ordered.dropFirst()) {
            #expect(try callSemverBuiltin("semver.compare", .string(lower), .string(higher)) == .int(-1), "\(lower)")
            #expect(try callSemverBuiltin("semver.compare", .string(higher), .string(lower)) == .int(1), "\(higher)")
        }
        #expect(try callSemverBuiltin("semver.compare", .string("1.0.0+build.1"), .string("1.0.0+other")) == .int(0))
    }

    @Test func rejectsInvalidVersions() {
        // semvercompare/invalid version a, invalid version b
        for (a, b, message) in [("1", "1.0.0", #"operand 1: string "1" is not a valid SemVer"#),
                                ("1.0.0", "1", #"operand 2: string "1" is not a valid SemVer"#)] {
            #expect(throws: BuiltinError.failure(message)) {
                try callSemverBuiltin("semver.compare", .string(a), .string(b))
            }
        }
    }

    @Test func validity() throws {
        // semverisvalid/valid, invalid version, invalid type
        #expect(try callSemverBuiltin("semver.is_valid", .string("1.0.0")) == .bool(true))
        #expect(try callSemverBuiltin("semver.is_valid", .string("1")) == .bool(false))
        #expect(try callSemverBuiltin("semver.is_valid", .int(1)) == .bool(false))
        for valid in ["0.0.0", "1.2.3-rc.1+build.5", "1.0.0-0A.is.legal", "1.0.0+0123"] {
            #expect(try callSemverBuiltin("semver.is_valid", .string(valid)) == .bool(true), "\(valid)")
        }
        for invalid in ["01.0.0", "1.0", "1.0.0-", "1.0.0-01", "1.0.0+", "v1.0.0", "1.0.0-a..b", " 1.0.0", "1.0.0.0"] {
            #expect(try callSemverBuiltin("semver.is_valid", .string(invalid)) == .bool(false), "\(invalid)")
        }
    }
}
