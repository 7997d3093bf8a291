import Benchmark
import Foundation
import TDX

/// Real quotes with their collateral, verified at a time inside the collateral's window.
private enum Sample {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    static func bytes(_ path: String) -> [UInt8] {
        (try? Data(contentsOf: fixtures.appendingPathComponent(path))).map { [UInt8]($0) } ?? []
    }

    static func collateral(_ path: String) throws -> CheckedCollateral {
        try CheckedCollateral(try DCAPCollateral.load(paths: [fixtures.appendingPathComponent(path).path]), root: try IntelRootCA.bundled())
    }

    static func time(_ text: String) -> Date { ISO8601DateFormatter().date(from: text) ?? Date() }

    static let tdxQuote = bytes("tdx/dcapqvl-tdx/tdx_quote")
    static let sgxQuote = bytes("sgx/dcapqvl-sgx/sgx_quote")
    static let v5Quote = bytes("tdx/gotdxguest-quote-v5/quote_v5_sample.dat")
    static let anyStatus: DCAPPolicy = {
        var policy = DCAPPolicy()
        policy.acceptedTCBStatuses = Set(TCBStatus.allCases)
        return policy
    }()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    Benchmark("TDX quote parse (v4, 5006 bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Quote(bytes: Sample.tdxQuote))
        }
    }

    let cases: [(String, [UInt8], String, String, String)] = [
        ("TDX v4 (dcap-qvl sample)", Sample.tdxQuote, "tdx/dcapqvl-tdx/tdx_quote_collateral.json", "2025-07-04T10:00:00Z", "tdx"),
        ("TDX v5 TD 1.5 (PCS directory)", Sample.v5Quote, "tdx/_collateral-tinfoil-2026", "2026-02-04T03:00:00Z", "tdx"),
        ("SGX v3 (dcap-qvl sample)", Sample.sgxQuote, "sgx/dcapqvl-sgx/sgx_quote_collateral.json", "2025-07-04T10:00:00Z", "sgx"),
    ]
    for (name, quote, collateralPath, time, tee) in cases {
        let collateral = try? Sample.collateral(collateralPath)
        let options = DCAPVerificationOptions(time: Sample.time(time), policy: Sample.anyStatus)
        let warm = DCAPVerifier()
        Benchmark("\(name) verify, collateral checked once (steady state)") { benchmark in
            guard let collateral else { return }
            _ = try warm.verify(try QuoteEvidence.parse(quote), tee: tee, collateral: collateral, options: options)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try warm.verify(try QuoteEvidence.parse(quote), tee: tee, collateral: collateral, options: options))
            }
        }
    }

    Benchmark("TDX v4 verify, collateral loaded and checked every time (cold)") { benchmark in
        for _ in benchmark.scaledIterations {
            let collateral = try Sample.collateral("tdx/dcapqvl-tdx/tdx_quote_collateral.json")
            blackHole(try DCAPVerifier().verify(try QuoteEvidence.parse(Sample.tdxQuote), tee: "tdx", collateral: collateral,
                                                options: DCAPVerificationOptions(time: Sample.time("2025-07-04T10:00:00Z"), policy: Sample.anyStatus)))
        }
    }
}
