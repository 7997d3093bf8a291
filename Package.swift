// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "hermetic",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hermetic", targets: ["hermetic"]),
        .library(name: "HermeticCore", targets: ["HermeticCore"]),
        .library(name: "PKI", targets: ["PKI"]),
        .library(name: "SEVSNP", targets: ["SEVSNP"]),
        .library(name: "TDX", targets: ["TDX"]),
        .library(name: "Attestation", targets: ["Attestation"]),
        .library(name: "TestSupport", targets: ["TestSupport"]),
        .library(name: "Rego", targets: ["Rego"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "HermeticCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "PKI",
            dependencies: [
                "HermeticCore",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SEVSNP",
            dependencies: [
                "HermeticCore",
                "PKI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "TDX",
            dependencies: [
                "HermeticCore",
                "PKI",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Attestation",
            dependencies: ["HermeticCore", "SEVSNP", "TDX"]
        ),
        .target(
            name: "Rego",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            // Swift 6.3's whole-module optimizer runs for over 15 minutes (and past 5 GB) on this target without
            // finishing; file-by-file optimization builds it in under two minutes.
            swiftSettings: [.unsafeFlags(["-no-whole-module-optimization"], .when(configuration: .release))]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "HermeticCore",
                "PKI",
                "SEVSNP",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "hermetic",
            dependencies: [
                "HermeticCore",
                "SEVSNP",
                "TDX",
                "Attestation",
                "Rego",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HermeticCoreTests", dependencies: ["HermeticCore"]),
        .testTarget(name: "PKITests", dependencies: ["PKI", "TestSupport"]),
        .testTarget(
            name: "SEVSNPTests",
            dependencies: ["SEVSNP", "PKI", "TestSupport", "HermeticCore"]
        ),
        .testTarget(name: "TDXTests", dependencies: ["TDX", "PKI", "TestSupport", "HermeticCore"]),
        .testTarget(name: "AttestationTests", dependencies: ["Attestation", "TestSupport"]),
        .testTarget(
            name: "RegoTests",
            dependencies: [
                "Rego", "TestSupport", .product(name: "Yams", package: "Yams"),
                .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(name: "HermeticCLITests", dependencies: ["TestSupport", "HermeticCore"]),
    ]
)
