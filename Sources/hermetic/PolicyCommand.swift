import ArgumentParser
import Foundation
import Rego

/// `hermetic policy`: evaluate and test Rego policies.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Evaluate and test Rego policies.",
        subcommands: [PolicyEval.self, PolicyTest.self]
    )
}

/// `hermetic policy eval`.
struct PolicyEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a query against Rego policies and print the result set as JSON.",
        discussion: """
            The result set is a JSON array with one element per solution: an object of the query's variables, or,
            for a query that is one term without variables (such as data.policy), that term's value. An undefined
            query prints []. A parse or evaluation error prints file:line:col and OPA's error code, and exits 2.
            """
    )

    @Option(name: .customLong("policy"), help: "A Rego module; repeatable.")
    var policies: [String]

    @Option(help: "The input document (JSON).")
    var input: String?

    @Option(help: "The base document mounted at data (JSON).")
    var data: String?

    @Option(help: "The query, e.g. data.policy or x := data.policy.allow.")
    var query: String

    @Option(name: .customLong("reference-values"),
            help: "A JSON object of reference value id to value, served by query_reference_value(id); without it every id is null, as with an empty store.")
    var referenceValues: String?

    @Flag(name: .customLong("strict-builtin-errors"), help: "Fail the query on a builtin error instead of treating the call as undefined.")
    var strict = false

    func run() throws {
        var lookup = StaticReferenceValues([:])
        if let referenceValues {
            guard case .object(let table) = try PolicyFiles.json(referenceValues, what: "reference values") else {
                throw InputError(description: "\(referenceValues): reference values must be a JSON object")
            }
            lookup = StaticReferenceValues(object: table)
        }
        let policy = try PolicyFiles.compile(policies, data: data, referenceValues: lookup)
        let inputValue = try input.map { try PolicyFiles.json($0, what: "input") }
        var prepared = try policy.prepare(query: query)
        let bareTerm = prepared.isSingleTerm
        if bareTerm { prepared = try policy.prepare(query: "hermetic_value := (\(query))") }
        let results = try prepared.evaluate(input: inputValue, strictBuiltinErrors: strict)
        let values: [Value] = results.map { bindings in
            if bareTerm { return bindings["hermetic_value"] ?? .null }
            return .object(ObjectValue(bindings.map { (Value.string($0.key), $0.value) }))
        }
        print(Value.array(values).jsonText(pretty: true))
    }
}

/// `hermetic policy test`.
struct PolicyTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the test_ rules in Rego files, as opa test does.",
        discussion: "Exits 0 when every test rule is true, 1 when any is false, undefined or fails; 2 on a parse error."
    )

    @Argument(help: "Rego files holding the policies and their tests.")
    var files: [String]

    @Option(help: "The base document mounted at data (JSON).")
    var data: String?

    func run() throws {
        let policy = try PolicyFiles.compile(files, data: data)
        var failed = 0
        let tests = policy.testRuleReferences
        for reference in tests {
            let outcome: String
            do {
                let result = try policy.prepare(query: "x := \(reference)").evaluate(input: nil)
                outcome = result.first?["x"] == .bool(true) ? "PASS" : "FAIL"
            } catch {
                outcome = "ERROR: \(error)"
            }
            if outcome != "PASS" { failed += 1 }
            print("\(reference): \(outcome)")
        }
        print("PASS: \(tests.count - failed)/\(tests.count)")
        if failed > 0 { throw ExitCode(ExitStatus.rejected.rawValue) }
    }
}

/// Reading policy files and JSON documents for the policy commands.
enum PolicyFiles {
    static func compile(
        _ paths: [String], data: String?, referenceValues: any ReferenceValueLookup = StaticReferenceValues([:])
    ) throws -> Policy {
        var modules: [(name: String, source: String)] = []
        for path in paths {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw InputError(description: "cannot read policy file \(path)")
            }
            modules.append((path, String(decoding: bytes, as: UTF8.self)))
        }
        let dataValue = try data.map { try json($0, what: "data") } ?? .emptyObject
        let builtins = BuiltinRegistry.standard.adding(.queryReferenceValue(referenceValues))
        return try Policy(modules: modules, data: dataValue, builtins: builtins)
    }

    static func json(_ path: String, what: String) throws -> Value {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw InputError(description: "cannot read \(what) file \(path)")
        }
        do {
            return try JSONReader.parse([UInt8](bytes))
        } catch let error as JSONReader.SyntaxError {
            throw InputError(description: "\(path): \(error)")
        }
    }
}
