import Foundation
import Rego
import TestSupport
import Yams

/// One case of OPA's conformance schema (`opa-conformance/`, `extra-cases/`).
struct ConformanceCase {
    var file: String
    var note: String
    var query: String
    var modules: [String]
    var data: Value
    var input: Value?
    var inputTerm: String?
    var wantResult: [Value]?
    var sortBindings: Bool
    var wantErrorCode: String?
    var wantError: String?
    var strictError: Bool

    /// Every case in the YAML files under a fixture directory, in file order.
    static func load(under directory: String) throws -> [ConformanceCase] {
        let root = Fixtures.url(directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator where url.pathExtension == "yaml" { files.append(url) }
        files.sort { $0.path < $1.path }
        var cases: [ConformanceCase] = []
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let node = try Yams.compose(yaml: text), let list = node.mapping?["cases"]?.sequence else { continue }
            for item in list {
                let value = try YAMLValue.convert(item)
                guard case .object(let object) = value else { continue }
                let relative = url.path.replacingOccurrences(of: root.path + "/", with: "")
                cases.append(ConformanceCase(object, file: relative))
            }
        }
        return cases
    }

    init(_ object: ObjectValue, file: String) {
        func string(_ key: String) -> String? { object[key]?.stringValue }
        self.file = file
        note = string("note") ?? file
        query = string("query") ?? ""
        if case .array(let list)? = object["modules"] { modules = list.compactMap(\.stringValue) } else { modules = [] }
        data = object["data"] ?? .emptyObject
        if let value = object["input"], value != .null { input = value }
        inputTerm = string("input_term")
        if case .array(let list)? = object["want_result"] { wantResult = list }
        sortBindings = object["sort_bindings"] == .bool(true)
        wantErrorCode = string("want_error_code")
        wantError = string("want_error")
        strictError = object["strict_error"] == .bool(true)
    }
}

/// Converts YAML nodes to Rego values, keeping integers of any size exact.
enum YAMLValue {
    static func convert(_ node: Node) throws -> Value {
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            switch scalar.string {
            case "null", "~", "": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                if let number = Number(text: Substring(scalar.string)) { return .number(number) }
                return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object = ObjectValue()
            for (key, value) in mapping {
                object[.string(key.string ?? "")] = try convert(value)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(try sequence.map { try convert($0) })
        case .alias:
            return .null
        }
    }
}
