import Benchmark
import Crypto
import Foundation
import SEVSNP

/// The real Trustee Milan report and its VCEK, verified at a time inside the VCEK's window.
private enum Sample {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/snp")

    static func bytes(_ path: String) -> [UInt8] {
        (try? Data(contentsOf: fixtures.appendingPathComponent(path))).map { [UInt8]($0) } ?? []
    }

    static let report = bytes("trustee-milan-vcek/test-report.bin")
    static let trusteeJSON = bytes("trustee-e2e-genoa-siena/evidence.json")
    static let time = ISO8601DateFormatter().date(from: "2026-07-26T05:00:00Z") ?? Date()

    static func options() throws -> SNPVerificationOptions {
        var collateral = SNPCollateral()
        try collateral.add(bytes: bytes("trustee-milan-vcek/test-vcek.der"))
        return SNPVerificationOptions(time: time, trustStore: try AMDTrustStore.bundled(), collateral: collateral)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal], maxDuration: .seconds(3))

    Benchmark("SNP report parse (1184 bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SNPEvidence.parse(Sample.report))
        }
    }

    Benchmark("SNP evidence parse (Trustee JSON, rebuild)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SNPEvidence.parse(Sample.trusteeJSON))
        }
    }

    let options = try? Sample.options()
    let warm = SNPVerifier()
    Benchmark("SNP verify, chain cached (steady state)") { benchmark in
        guard let options else { return }
        _ = try await warm.verify(try SNPEvidence.parse(Sample.report), options: options)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await warm.verify(try SNPEvidence.parse(Sample.report), options: options))
        }
    }

    Benchmark("SNP verify, chain checked every time (cold)") { benchmark in
        guard let options else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try await SNPVerifier().verify(try SNPEvidence.parse(Sample.report), options: options))
        }
    }

    let key = P384.Signing.PrivateKey()
    let message = Sample.report[0..<0x2A0]
    let signature = try? key.signature(for: SHA384.hash(data: message))
    Benchmark("P-384 ECDSA verify, bare (the floor)") { benchmark in
        guard let signature else { return }
        for _ in benchmark.scaledIterations {
            blackHole(key.publicKey.isValidSignature(signature, for: SHA384.hash(data: message)))
        }
    }
}
