import Foundation
import InitData
import TestSupport
import Testing
import class TOMLKit.TOMLTable
import protocol TOMLKit.TOMLValueConvertible

/// `TOMLReader` against TOMLKit (toml++), which the host keeps: the same tree for every document TOMLKit accepts,
/// a refusal for every document it refuses.
@Suite("TOML reader")
struct TOMLReaderTests {
    /// TOMLKit's tree in this reader's terms; nil for dates and times, which this reader refuses.
    static func converted(_ value: any TOMLValueConvertible) -> TOMLValue? {
        switch value.type {
        case .string: value.string.map(TOMLValue.string)
        case .int: value.int.map { .integer(Int64($0)) }
        case .double: value.double.map(TOMLValue.float)
        case .bool: value.bool.map(TOMLValue.boolean)
        case .array:
            value.array.flatMap { array in
                let elements = array.map { converted($0) }
                return elements.contains(nil) ? nil : .array(elements.compactMap { $0 })
            }
        case .table: value.table.flatMap(converted(table:)).map(TOMLValue.table)
        default: nil
        }
    }

    static func converted(table: TOMLTable) -> [String: TOMLValue]? {
        var members: [String: TOMLValue] = [:]
        for (key, value) in table {
            guard let member = converted(value) else { return nil }
            members[key] = member
        }
        return members
    }

    /// Both readers agree: the same tree, or both refuse. NaN compares by kind.
    static func expectAgreement(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours = try? TOMLReader.parse(text)
        let theirs = (try? TOMLTable(string: text)).flatMap(converted(table:))
        #expect(ours.map(normalized) == theirs.map(normalized), "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    static func normalized(_ table: [String: TOMLValue]) -> [String: TOMLValue] {
        table.mapValues(normalized)
    }

    static func normalized(_ value: TOMLValue) -> TOMLValue {
        switch value {
        case .float(let number) where number.isNaN: .string("nan")
        case .array(let elements): .array(elements.map(normalized))
        case .table(let members): .table(normalized(members))
        default: value
        }
    }

    @Test("the init-data samples read the same as with TOMLKit")
    func samples() throws {
        for name in ["initdata/init-data-with-policy.toml", "initdata/spec-example-sha384.toml"] {
            let text = String(decoding: try Fixtures.bytes(name), as: UTF8.self)
            Self.expectAgreement(text)
            #expect(try TOMLReader.parse(text)["data"]?.table?.isEmpty == false)
        }
    }

    @Test("strings, numbers, keys and tables as TOML 1.0 reads them", arguments: [
        #"a = "x\ty\u00e9\U0001F600\"\\""#, "a = 'C:\\path'", "a = \"\"\"\nline\n  two\\\n   joined\"\"\"",
        "a = '''\nraw \\n '' quotes'''", "a = \"\"\"\"\"quoted\"\"\"\"\"", "a = '''''x'''''", "\"quoted key\" = 1\n'lit' = 2",
        "a.b.c = 1\na.b.d = 2", "[t]\nx = 1\n[t.u]\ny = 2", "[[p]]\nn = 1\n[[p]]\nn = 2\n[p.q]\nz = 3",
        "i = [1, 2, 3]\nj = [\n  'a', # note\n  \"b\",\n]", "t = { x = 1, y.z = 'w' }", "e = {}", "n = [[1, 2], ['a'], []]",
        "h = 0xDEAD_beef\no = 0o755\nb = 0b1010\nd = -1_000\np = +42", "f = [1.5, -0.25, 6.02e23, 1e-3, 1E+2, inf, -inf, nan]",
        "yes = true\nno = false", "# a comment\n\n  key = 'v'   # trailing\r\nother = 1\r\n", "a = 1 # comment",
        "[a.b]\nx = 1\n[a]\ny = 2", "[ spaced . table ]\nk = 'v'", "x = \"\"", "x = ''", "k = 9223372036854775807",
    ])
    func valid(_ text: String) throws {
        Self.expectAgreement(text)
        _ = try TOMLReader.parse(text)
    }

    @Test("invalid documents are refused, as TOMLKit refuses them", arguments: [
        "a = ", "= 1", "a = 1 b = 2", "a = 1\na = 2", "[t]\n[t]", "a = \"unterminated", "a = 'two\nlines'", #"a = "\q""#,
        #"a = "\uD800""#, "a = 01", "a = 1__0", "a = _1", "a = 1_", "a = .5", "a = 5.", "a = 1e", "a = 0x", "a = +0x1",
        "a = [1, 2", "a = [1,,2]", "t = { x = 1, }", "t = { x = 1\n}", "t = {x=1}\nt.y = 2", "a = 1\na.b = 2",
        "[a]\nb = 1\n[a.b]", "a = [1]\n[[a]]", "a = tru", "a = \"x\u{01}\"", "[t", "[[t]", "a.b = 1\n[a]",
        "a = 2024-01-01", "a = 07:30:00", "a = 1979-05-27T07:32:00Z", "a = 9223372036854775808", "key with space = 1",
    ])
    func invalid(_ text: String) {
        Self.expectAgreement(text)
        #expect(throws: InitDataError.self) { try TOMLReader.parse(text) }
    }

    @Test("a refusal names the line and the problem")
    func errorsNameTheLine() {
        let error = #expect(throws: InitDataError.self) { try TOMLReader.parse("version = '0.1.0'\nalgorithm = 'sha256'\n[data]\nx = \"\\q\"\n") }
        #expect(error?.code == .invalidTOML)
        #expect(error?.description.contains("line 4") == true)
        #expect(error?.description.contains("escape") == true)
    }

    @Test("generated init-data documents, valid and broken, read as TOMLKit reads them")
    func generated() {
        var random = SeededRandom(seed: 8)
        var accepted = 0
        let pieces = ["a", "b", "-", "_", " ", "\t", "\\", "\"", "'", "\n", "é", "#", "=", "[", "]", "{", "}", ",", "1", ".", "\\n", "\\u0041", "\r\n"]
        for round in 0..<400 {
            var content = ""
            for _ in 0..<Int.random(in: 0..<12, using: &random) { content += pieces[Int.random(in: 0..<pieces.count, using: &random)] }
            let key = ["\"policy.rego\"", "aa", "'cdh.toml'", "\"a b\"", "x.y"][round % 5]
            let value: String = switch round % 4 {
            case 0: "'''\n\(content)'''"
            case 1: "\"\"\"\n\(content)\"\"\""
            case 2: "\"\(content)\""
            default: "'\(content)'"
            }
            let document = "version = \"0.1.0\"\nalgorithm = \"sha384\"\n\n[data]\n\(key) = \(value)\n"
            Self.expectAgreement(document)
            if (try? TOMLReader.parse(document)) != nil { accepted += 1 }
        }
        // Both kinds occur: the comparison covers accepted and refused documents.
        #expect(accepted > 50 && accepted < 350, "\(accepted) of 400 accepted")
    }
}
