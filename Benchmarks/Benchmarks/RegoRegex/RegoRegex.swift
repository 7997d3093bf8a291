import Benchmark
import Rego
#if canImport(Glibc)
import Glibc
#endif

/// Rego's regex builtins on the gate's real patterns, through a prepared query so the figures are what a policy pays:
/// `regex.match` with the compiled pattern cached, the same with a pattern never seen before (compile + match),
/// `regex.find_n` over 4 KB of text, and the pathological `(a*)*b` that drives a backtracking engine exponential.
private enum Cases {
    /// The gate's mount-source rule (`HermeticRules`), and a realistic shared-container path it accepts.
    static let mountPattern = #"^/run/kata-containers/shared/containers/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$"#
    static let mountPath = "/run/kata-containers/shared/containers/3f2a9c0d8e7b4a61-0123456789abcdef/rootfs/etc/nginx/conf.d/default.conf"

    /// The gate's `dynamic_env` service-link pattern and a host-injected variable it accepts.
    static let servicePattern = #"^[A-Z][A-Z0-9_]*_PORT_[0-9]{1,5}_(TCP|UDP|SCTP)_(PROTO=(tcp|udp|sctp)|PORT=[0-9]{1,5}|ADDR=([0-9]{1,3}\.){3}[0-9]{1,3})$"#
    static let serviceVariable = "REDIS_MASTER_PORT_6379_TCP_ADDR=10.96.12.201"

    /// 4 KB of environment-like lines; the find-all pulls out every `NAME=value` pair.
    static let text: String = {
        var out = ""
        var line = 0
        while out.utf8.count < 4096 {
            out += "SERVICE_\(line)_HOST=10.0.\(line % 256).\(line * 7 % 256) port \(8000 + line) mode=prod; \n"
            line += 1
        }
        return out
    }()
    static let findPattern = #"[A-Z][A-Z0-9_]*=[^\s;]+"#

    static func query(_ source: String) throws -> PreparedQuery {
        try Policy(modules: []).prepare(query: source)
    }

    /// Evaluates once, outside any measurement, and fails unless `x` is `expected`: a benchmark of an evaluation
    /// that errors or is undefined would time the wrong thing.
    static func checked(_ query: Result<PreparedQuery, any Error>, _ input: Value, _ expected: Value) throws -> PreparedQuery {
        let prepared = try query.get()
        let results = try prepared.evaluate(input: input, strictBuiltinErrors: true, print: { _ in })
        guard results.first?["x"] == expected else { throw UnexpectedResult(description: "\(results)") }
        return prepared
    }
}

private struct UnexpectedResult: Error, CustomStringConvertible {
    var description: String
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    let match = Result { try Cases.query("x := regex.match(input.p, input.s)") }
    let mountInput: Value = .object(ObjectValue(["p": .string(Cases.mountPattern), "s": .string(Cases.mountPath)]))
    Benchmark("regex.match gate mount path (compiled pattern cached)") { benchmark in
        let query = try Cases.checked(match, mountInput, .bool(true))
        for _ in benchmark.scaledIterations {
            blackHole(try query.evaluate(input: mountInput, print: { _ in }))
        }
    }

    // A fresh pattern each iteration (a never-matching alternative with a random number, as the builtins cache
    // compiled patterns by text), so every evaluation parses and compiles the service-link pattern and matches it.
    Benchmark("regex.match gate service-link env (compile + match)") { benchmark in
        let query = try match.get()
        _ = try Cases.checked(match, .object(ObjectValue(["p": .string(Cases.servicePattern + "|^x-1$"), "s": .string(Cases.serviceVariable)])), .bool(true))
        let inputs: [Value] = (0..<benchmark.scaledIterations.count).map { _ in
            .object(ObjectValue(["p": .string(Cases.servicePattern + "|^x\(UInt64.random(in: 0...UInt64.max))$"), "s": .string(Cases.serviceVariable)]))
        }
        benchmark.startMeasurement()
        for input in inputs {
            blackHole(try query.evaluate(input: input, print: { _ in }))
        }
    }

    let find = Result { try Cases.query("x := regex.find_n(input.p, input.s, -1)") }
    let findInput: Value = .object(ObjectValue(["p": .string(Cases.findPattern), "s": .string(Cases.text)]))
    Benchmark("regex.find_n all NAME=value pairs in 4 KB") { benchmark in
        let query = try find.get()
        let check = try query.evaluate(input: findInput, strictBuiltinErrors: true, print: { _ in })
        guard case .array(let found)? = check.first?["x"], found.count == 84 else { throw UnexpectedResult(description: "\(check)") }
        for _ in benchmark.scaledIterations {
            blackHole(try query.evaluate(input: findInput, print: { _ in }))
        }
    }

    // `(a*)*b` against a run of `a`s with no `b`: a backtracking engine tries every split of the run (2^(n-1)); a
    // linear-time engine does one pass. The length is 10,000 unless REGO_REGEX_PATHOLOGICAL_LENGTH says otherwise.
    let length = Int(getenvString("REGO_REGEX_PATHOLOGICAL_LENGTH") ?? "") ?? 10_000
    let pathologicalInput: Value = .object(ObjectValue(["p": .string("(a*)*b"), "s": .string(String(repeating: "a", count: length))]))
    Benchmark("regex.match (a*)*b on \(length) a's", configuration: .init(maxDuration: .seconds(5), maxIterations: 50)) {
        benchmark in
        let query = try Cases.checked(match, pathologicalInput, .bool(false))
        for _ in benchmark.scaledIterations {
            blackHole(try query.evaluate(input: pathologicalInput, print: { _ in }))
        }
    }
}

private func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
