import Foundation
@testable import Rego

/// Runs conformance cases as OPA's own runner does and says why a case fails.
enum ConformanceRunner {
    /// `nil` when the case passes, else the reason it does not.
    static func failure(of testCase: ConformanceCase) -> String? {
        let modules = testCase.modules.enumerated().map { (name: "test-\($0.offset).rego", source: $0.element) }
        do {
            let policy = try Policy(modules: modules, data: testCase.data)
            var input = testCase.input
            if let term = testCase.inputTerm { input = try policy.evaluate(term: term) }
            let query = try policy.prepare(query: testCase.query)
            let results = try query.evaluate(
                input: input, strictBuiltinErrors: testCase.strictError,
                now: Date(timeIntervalSince1970: 1_700_000_000), print: { _ in })
            if testCase.wantErrorCode != nil || testCase.wantError != nil {
                return "expected error \(testCase.wantErrorCode ?? "") \(testCase.wantError ?? ""), got \(describe(results))"
            }
            guard let want = testCase.wantResult else { return nil }
            let got = results.map { bindings in
                sorted(normalise(.object(ObjectValue(bindings.map { (Value.string($0.key), $0.value) }))), testCase.sortBindings)
            }
            let expected = want.map { sorted(normalise($0), testCase.sortBindings) }
            if SetValue(got) == SetValue(expected) { return nil }
            return "want \(expected.map(\.jsonText)) got \(got.map(\.jsonText))"
        } catch let error as RegoError {
            if let code = testCase.wantErrorCode {
                if code == error.code.rawValue {
                    if let text = testCase.wantError, !error.description.contains(text) {
                        return "error text \(error.description) lacks \(text)"
                    }
                    return nil
                }
                return "want error code \(code), got \(error)"
            }
            if let text = testCase.wantError {
                return error.description.contains(text) ? nil : "error \(error.description) lacks \(text)"
            }
            return "unexpected error \(error)"
        } catch {
            return "unexpected error \(error)"
        }
    }

    private static func describe(_ results: [Bindings]) -> String {
        results.map { Value.object(ObjectValue($0.map { (Value.string($0.key), $0.value) })).jsonText }.joined(separator: ", ")
    }

    /// A value as OPA's JSON conversion gives it: sets as sorted arrays, non-string keys as their JSON text.
    static func normalise(_ value: Value) -> Value {
        switch value {
        case .set(let set): return .array(set.elements.map(normalise))
        case .array(let elements): return .array(elements.map(normalise))
        case .object(let object):
            return .object(ObjectValue(object.entries.map { entry -> (Value, Value) in
                let key: Value = entry.key.stringValue.map { .string($0) } ?? .string(entry.key.jsonText)
                return (key, normalise(entry.value))
            }))
        default: return value
        }
    }

    /// With `sort_bindings`, each binding's array compared as a multiset.
    private static func sorted(_ bindings: Value, _ sort: Bool) -> Value {
        guard sort, case .object(let object) = bindings else { return bindings }
        return .object(ObjectValue(object.entries.map { entry -> (Value, Value) in
            if case .array(let elements) = entry.value { return (entry.key, .array(elements.sorted { Value.compare($0, $1) < 0 })) }
            return (entry.key, entry.value)
        }))
    }
}
