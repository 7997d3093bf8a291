import Foundation
import Synchronization

/// A compiled RE2 pattern and the match operations of Go's `regexp` package on it.
final class CompiledRegex: @unchecked Sendable {
    // `@unchecked`: NSRegularExpression is immutable after creation and documented as safe to share across threads.
    let expression: NSRegularExpression
    /// Capture group numbers by name.
    let groupNames: [String: Int]
    /// The number of capturing groups.
    let groupCount: Int

    private init(_ translated: TranslatedRegex, expression: NSRegularExpression) {
        self.expression = expression
        self.groupNames = translated.groupNames
        self.groupCount = translated.groupCount
    }

    /// At most this many patterns stay compiled; the cache starts over when it fills.
    static let cacheCapacity = 256
    private static let cache = Mutex<[String: Result<CompiledRegex, BuiltinError>]>([:])

    /// The compiled form of RE2 `pattern`, from the cache when it was compiled before.
    /// - Throws: `BuiltinError.failure` when the pattern is not valid RE2.
    static func compile(_ pattern: String) throws -> CompiledRegex {
        if let cached = cache.withLock({ $0[pattern] }) { return try cached.get() }
        let result: Result<CompiledRegex, BuiltinError>
        do {
            let translated = try RE2Translator.translate(pattern)
            do {
                let expression = try NSRegularExpression(pattern: translated.pattern, options: [])
                result = .success(CompiledRegex(translated, expression: expression))
            } catch {
                result = .failure(.failure("error parsing regexp: invalid pattern: `\(pattern)`"))
            }
        } catch let error as BuiltinError {
            result = .failure(error)
        } catch {
            result = .failure(.failure("error parsing regexp: `\(pattern)`"))
        }
        cache.withLock { entries in
            if entries.count >= cacheCapacity { entries.removeAll(keepingCapacity: true) }
            entries[pattern] = result
        }
        return try result.get()
    }

    /// Whether the pattern matches anywhere in `text`.
    func matches(_ text: String) -> Bool {
        let length = (text as NSString).length
        return expression.firstMatch(in: text, options: [], range: NSRange(location: 0, length: length)) != nil
    }

    /// The successive non-overlapping matches in `text`, at most `limit` (all when `nil`), as Go's `FindAll`
    /// reports them: an empty match right where the previous match ended is skipped.
    func allMatches(in text: String, limit: Int?) -> [NSTextCheckingResult] {
        if let limit, limit <= 0 { return [] }
        let length = (text as NSString).length
        var found: [NSTextCheckingResult] = []
        var previousEnd = -1
        expression.enumerateMatches(in: text, options: [], range: NSRange(location: 0, length: length)) {
            result, _, stop in
            guard let result else { return }
            let range = result.range
            defer { previousEnd = range.location + range.length }
            if range.length == 0 && range.location == previousEnd { return }
            found.append(result)
            if let limit, found.count >= limit { stop.pointee = true }
        }
        return found
    }

    /// Go's `Regexp.Expand` of a replacement template for one match: `$1`, `${1}`, `$name`, `${name}` and `$$`.
    /// A reference to a group that does not exist or did not participate expands to nothing.
    func expand(_ template: String, match: NSTextCheckingResult, in text: NSString) -> String {
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
                group = groupNames[name]
            }
            if let group, group < match.numberOfRanges {
                out += CompiledRegex.substring(match.range(at: group), of: text)
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

    /// The text of `range` in `text`, or `""` for a group that did not participate.
    static func substring(_ range: NSRange, of text: NSString) -> String {
        guard range.location != NSNotFound, range.location + range.length <= text.length else { return "" }
        return text.substring(with: range)
    }
}
