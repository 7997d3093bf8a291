import Testing
@testable import Rego

/// Calls a function builtin from the standard registry directly, as the evaluator would, at time `now`.
func invokeBuiltin(_ name: String, _ args: [Value], now: Int64 = 0) throws -> Value? {
    guard let builtin = BuiltinRegistry.standard[name], case .function(let body) = builtin.implementation else {
        Issue.record("no function builtin \(name)")
        return nil
    }
    return try body(Operands(args), BuiltinContext(nowNanoseconds: now, printLine: { _ in }))
}

/// The error a builtin call throws, or `nil` when it succeeds.
func builtinError(_ name: String, _ args: [Value]) -> BuiltinError? {
    do {
        _ = try invokeBuiltin(name, args)
        return nil
    } catch let error as BuiltinError {
        return error
    } catch {
        return BuiltinError.failure("unexpected \(error)")
    }
}

/// Expects `body` to throw a builtin error of `kind` whose message contains `message`.
func expectBuiltinError(_ kind: BuiltinError.Kind, _ message: String, _ body: () throws -> Value?) {
    do {
        let result = try body()
        Issue.record("expected \(kind) error \"\(message)\", got \(result?.regoText ?? "undefined")")
    } catch let error as BuiltinError {
        #expect(error.kind == kind)
        #expect(error.message.contains(message), "\(error.message)")
    } catch {
        Issue.record("unexpected error \(error)")
    }
}
