import Synchronization

/// A compiled RE2 pattern (``RE2Regex``, the Pike VM) with the match operations of Go's `regexp` package that the
/// builtins use, cached by pattern text.
struct CompiledRegex: Sendable {
    let regex: RE2Regex

    /// At most this many patterns stay compiled; the cache starts over when it fills.
    static let cacheCapacity = 256
    private static let cache = Mutex<[String: Result<CompiledRegex, BuiltinError>]>([:])

    /// The compiled form of RE2 `pattern`, from the cache when it was compiled before.
    /// - Throws: `BuiltinError.failure` with Go's `error parsing regexp: …` when the pattern is not valid RE2.
    static func compile(_ pattern: String) throws -> CompiledRegex {
        if let cached = cache.withLock({ $0[pattern] }) { return try cached.get() }
        let result: Result<CompiledRegex, BuiltinError>
        do throws(RegexSyntaxError) {
            result = .success(CompiledRegex(regex: try RE2Regex(pattern)))
        } catch {
            result = .failure(.failure(error.description))
        }
        cache.withLock { entries in
            if entries.count >= cacheCapacity { entries.removeAll(keepingCapacity: true) }
            entries[pattern] = result
        }
        return try result.get()
    }

    /// Whether the pattern matches anywhere in `text`.
    func matches(_ text: String) -> Bool { regex.matches(text) }

    /// Go's `Regexp.Expand` of a replacement template for one match: `$1`, `${1}`, `$name`, `${name}` and `$$`.
    /// A reference to a group that does not exist or did not participate expands to nothing.
    func expand(_ template: String, match: RegexMatch, in text: [Unicode.Scalar]) -> String {
        let scalars = Array(template.unicodeScalars)
        var out = ""
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            guard scalar == "$", index < scalars.count else {
                out.unicodeScalars.append(scalar)
                continue
            }
            if scalars[index] == "$" {
                out += "$"
                index += 1
                continue
            }
            guard let (name, next) = CompiledRegex.referenceName(scalars, from: index) else {
                out += "$"
                continue
            }
            index = next
            let group: Int?
            if name.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) {
                group = name.count <= 8 ? Int(name) : nil
            } else {
                group = regex.captureNames[name]
            }
            if let group, let range = match.group(group) {
                out += CompiledRegex.substring(range, of: text)
            }
        }
        return out
    }

    /// The group name after a `$` at `start`: a run of letters, digits and `_`, optionally in braces.
    private static func referenceName(_ scalars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        var index = start
        let braced = scalars[index] == "{"
        if braced { index += 1 }
        var name = ""
        while index < scalars.count,
              scalars[index] == "_" || scalars[index].properties.isAlphabetic
                || scalars[index].properties.numericType == .decimal {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard !name.isEmpty else { return nil }
        if braced {
            guard index < scalars.count, scalars[index] == "}" else { return nil }
            index += 1
        }
        return (name, index)
    }

    /// The text of scalar offsets `range` in `text`, or `""` for a group that did not participate.
    static func substring(_ range: Range<Int>?, of text: [Unicode.Scalar]) -> String {
        guard let range, range.lowerBound >= 0, range.upperBound <= text.count else { return "" }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        for scalar in text[range] { UTF8.encode(scalar) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }
}
