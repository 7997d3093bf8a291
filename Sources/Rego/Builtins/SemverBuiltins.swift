/// `semver.is_valid` and `semver.compare`, on Semantic Versioning 2.0.0 strings.
enum SemverBuiltins {
    static let all: [Builtin] = [
        Builtin("semver.is_valid", arity: 1) { args, _ in
            guard case .string(let text) = args[0] else { return .bool(false) }
            return .bool(SemanticVersion(text) != nil)
        },
        Builtin("semver.compare", arity: 2) { args, _ in
            let a = try version(args, 0)
            let b = try version(args, 1)
            return .int(SemanticVersion.compare(a, b))
        },
    ]

    private static func version(_ args: Operands, _ index: Int) throws -> SemanticVersion {
        let text = try args.string(index)
        guard let version = SemanticVersion(text) else {
            throw BuiltinError.failure("operand \(index + 1): string \(args[index].jsonText) is not a valid SemVer")
        }
        return version
    }
}

/// A version `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]` as semver.org defines it: numbers without leading zeros,
/// dot-separated identifiers of `[0-9A-Za-z-]`, numeric pre-release identifiers without leading zeros.
struct SemanticVersion: Sendable {
    /// The three version numbers, as digit strings (compared by length, then digits, so any size is exact).
    let core: [Substring]
    /// The pre-release identifiers; empty for a release.
    let preRelease: [Substring]

    /// Parses `text`; `nil` when it is not a valid semantic version.
    init?(_ text: String) {
        var rest = Substring(text)
        if let plus = rest.firstIndex(of: "+") {
            let build = rest[rest.index(after: plus)...]
            guard SemanticVersion.validIdentifiers(build, numericMayHaveLeadingZero: true) != nil else { return nil }
            rest = rest[..<plus]
        }
        var preRelease: [Substring] = []
        if let dash = rest.firstIndex(of: "-") {
            guard let identifiers = SemanticVersion.validIdentifiers(rest[rest.index(after: dash)...],
                                                                     numericMayHaveLeadingZero: false) else { return nil }
            preRelease = identifiers
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3, core.allSatisfy(SemanticVersion.isNumber) else { return nil }
        self.core = core
        self.preRelease = preRelease
    }

    private static func isNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } && (text == "0" || text.first != "0")
    }

    private static func validIdentifiers(_ text: Substring, numericMayHaveLeadingZero: Bool) -> [Substring]? {
        let identifiers = text.split(separator: ".", omittingEmptySubsequences: false)
        for identifier in identifiers {
            guard !identifier.isEmpty,
                  identifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
            if !numericMayHaveLeadingZero, identifier.allSatisfy(\.isNumber), !isNumber(identifier) { return nil }
        }
        return identifiers
    }

    /// -1, 0 or 1 as `a` has lower, equal or higher precedence than `b`; build metadata is ignored.
    static func compare(_ a: SemanticVersion, _ b: SemanticVersion) -> Int {
        for (x, y) in zip(a.core, b.core) {
            let order = compareNumeric(x, y)
            if order != 0 { return order }
        }
        switch (a.preRelease.isEmpty, b.preRelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): break
        }
        for (x, y) in zip(a.preRelease, b.preRelease) {
            let xNumeric = x.allSatisfy(\.isNumber)
            let yNumeric = y.allSatisfy(\.isNumber)
            let order: Int
            switch (xNumeric, yNumeric) {
            case (true, true): order = compareNumeric(x, y)
            case (true, false): order = -1
            case (false, true): order = 1
            case (false, false): order = Value.compareUTF8(String(x), String(y)).signum()
            }
            if order != 0 { return order }
        }
        return a.preRelease.count == b.preRelease.count ? 0 : (a.preRelease.count < b.preRelease.count ? -1 : 1)
    }

    /// Orders digit strings without leading zeros by value.
    private static func compareNumeric(_ x: Substring, _ y: Substring) -> Int {
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        return x == y ? 0 : (x < y ? -1 : 1)
    }
}
