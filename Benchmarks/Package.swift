// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so the main build and `swift test` do not pay for the benchmark harness.
// Run: cd Benchmarks && swift package benchmark
let package = Package(
    name: "HermeticBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "hermetic", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "SNPVerification",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SEVSNP", package: "hermetic"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/SNPVerification",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TDXVerification",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TDX", package: "hermetic"),
            ],
            path: "Benchmarks/TDXVerification",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TPMVerification",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TPM", package: "hermetic"),
                .product(name: "EventLog", package: "hermetic"),
            ],
            path: "Benchmarks/TPMVerification",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TDXTiming",
            dependencies: [.product(name: "TDX", package: "hermetic")],
            path: "Sources/TDXTiming"
        ),
        .executableTarget(
            name: "LaunchMeasurement",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Measure", package: "hermetic"),
            ],
            path: "Benchmarks/LaunchMeasurement",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RegoEvaluation",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Rego", package: "hermetic"),
            ],
            path: "Benchmarks/RegoEvaluation",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "KeyBrokerThroughput",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HermeticServer", package: "hermetic"),
                .product(name: "KeyBroker", package: "hermetic"),
                .product(name: "Attestation", package: "hermetic"),
                .product(name: "Storage", package: "hermetic"),
                .product(name: "JOSE", package: "hermetic"),
                .product(name: "HermeticCore", package: "hermetic"),
                .product(name: "TestSupport", package: "hermetic"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/KeyBrokerThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ImageCryptThroughput",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ImageCrypt", package: "hermetic"),
                .product(name: "OCI", package: "hermetic"),
                .product(name: "JOSE", package: "hermetic"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/ImageCryptThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PodTrustPlane",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GuestAttester", package: "hermetic"),
                .product(name: "KBSClient", package: "hermetic"),
                .product(name: "KeyBroker", package: "hermetic"),
                .product(name: "HermeticServer", package: "hermetic"),
                .product(name: "Attestation", package: "hermetic"),
                .product(name: "Storage", package: "hermetic"),
                .product(name: "Pod", package: "hermetic"),
                .product(name: "TPM", package: "hermetic"),
                .product(name: "HermeticCore", package: "hermetic"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/PodTrustPlane",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RegistryPull",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OCI", package: "hermetic"),
                .product(name: "OCIHTTPClient", package: "hermetic"),
            ],
            path: "Benchmarks/RegistryPull",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "GateDecision",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Gate", package: "hermetic"),
            ],
            path: "Benchmarks/GateDecision",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "VMSandbox",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Measure", package: "hermetic"),
                .product(name: "EventLog", package: "hermetic"),
                .product(name: "Sandbox", package: "hermetic"),
            ],
            path: "Benchmarks/VMSandbox",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Issue 10: the guest agent's share of attestation (sev-guest ABI, AAEL, sealed secrets; TPM on swtpm when given).
        .executableTarget(
            name: "GuestAttestation",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GuestAttester", package: "hermetic"),
                .product(name: "KBSClient", package: "hermetic"),
                .product(name: "SEVSNP", package: "hermetic"),
                .product(name: "TPM", package: "hermetic"),
                .product(name: "HermeticCore", package: "hermetic"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/GuestAttestation",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RegoRegex",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Rego", package: "hermetic"),
            ],
            path: "Benchmarks/RegoRegex",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
