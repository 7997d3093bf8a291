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
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "TPM", targets: ["TPM"]),
        .library(name: "AzureCVM", targets: ["AzureCVM"]),
        .library(name: "Attestation", targets: ["Attestation"]),
        .library(name: "TestSupport", targets: ["TestSupport"]),
        .library(name: "Rego", targets: ["Rego"]),
        .library(name: "JOSE", targets: ["JOSE"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "StoragePostgres", targets: ["StoragePostgres"]),
        .library(name: "KeyBroker", targets: ["KeyBroker"]),
        .library(name: "HermeticServer", targets: ["HermeticServer"]),
        .library(name: "InitData", targets: ["InitData"]),
        .library(name: "Measure", targets: ["Measure"]),
        .library(name: "ReferenceValues", targets: ["ReferenceValues"]),
        .library(name: "OCI", targets: ["OCI"]),
        .library(name: "ImageCrypt", targets: ["ImageCrypt"]),
        .library(name: "ImageCryptKBS", targets: ["ImageCryptKBS"]),
        .library(name: "ImageUnpack", targets: ["ImageUnpack"]),
        .library(name: "Gate", targets: ["Gate"]),
        .library(name: "OCIHTTPClient", targets: ["OCIHTTPClient"]),
        .library(name: "OCIURLSession", targets: ["OCIURLSession"]),
        .library(name: "Sandbox", targets: ["Sandbox"]),
        .library(name: "Pod", targets: ["Pod"]),
        .library(name: "KBSClient", targets: ["KBSClient"]),
        .library(name: "GuestAttester", targets: ["GuestAttester"]),
        .library(name: "GuestAgent", targets: ["GuestAgent"]),
        .executable(name: "hermetic-agent", targets: ["hermetic-agent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
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
            ]
        ),
        // The TCG PC Client event log (legacy SHA-1 and crypto-agile), shared by TDX (the CCEL) and TPM.
        .target(
            name: "EventLog",
            dependencies: ["HermeticCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "TDX",
            dependencies: [
                "HermeticCore",
                "PKI",
                "EventLog",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "TPM",
            dependencies: [
                "HermeticCore",
                "PKI",
                "EventLog",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Azure confidential VMs: the HCL report and vTPM quote, with the SNP (and later TDX) report verified by their targets.
        .target(
            name: "AzureCVM",
            dependencies: [
                "HermeticCore", "PKI", "TPM", "SEVSNP",
                "TDX",  // az-tdx-vtpm: the TD quote
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Attestation",
            dependencies: [
                "HermeticCore", "SEVSNP", "TDX", "TPM", "AzureCVM", "Rego", "ReferenceValues", "PolicyYAML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "HermeticCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // PostgreSQL for replicas: its own target, because postgres-nio pulls swift-nio-ssl (a second BoringSSL).
        .target(
            name: "StoragePostgres",
            dependencies: [
                "HermeticCore", "Storage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "JOSE",
            dependencies: [
                "HermeticCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "KeyBroker",
            dependencies: [
                "HermeticCore", "Attestation", "JOSE", "Storage", "Rego", "ReferenceValues", "InitData",
                "TPM",  // EK binding for the tpm TEE
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Issue 10: the KBS messages and client moved out; KeyBroker re-exports them (Exports.swift).
                "KBSClient", "KBSURLSession",
            ]
        ),
        .target(
            name: "HermeticServer",
            dependencies: [
                "KeyBroker", "Attestation", "Storage", "StoragePostgres", "HermeticCore", "SEVSNP",
                "ReferenceValues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
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
                "KeyBroker",
                "PKI",
                "SEVSNP",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Init-data (Trustee/Kata TOML) and its digest per platform binding: small, for the verifiers, the TPM path
        // (PCR 8) and the guest gate alike.
        .target(
            name: "InitData",
            dependencies: [
                "HermeticCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Launch-measurement calculators: SEV-SNP (OVMF SEV metadata, VMSAs, PAGE_INFO chaining) and TDX (TDVF, MRTD).
        .target(
            name: "Measure",
            dependencies: ["HermeticCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The reference value store: Trustee RVPS messages, Hermetic's signed documents, expiry, provenance, and the
        // lookup behind query_reference_value.
        .target(
            name: "ReferenceValues",
            dependencies: ["HermeticCore", "Rego", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The guest-side gate (issue 9): wire format, Executive, Servicer, agent policy, executors, socket server.
        // Depends on Rego and nothing of the attestation stack, because it runs in the guest.
        .target(
            name: "Gate",
            dependencies: [
                "Rego", "InitData", "HermeticCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "hermetic",
            dependencies: [
                "Gate", "PolicyGenerator",
                "HermeticCore", "HermeticServer", "KeyBroker", "Storage", "StoragePostgres", "JOSE", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                "SEVSNP",
                "TDX",
                "TPM",
                "EventLog",
                "AzureCVM",
                "Attestation",
                "Rego",
                "InitData",
                "Measure",
                "ReferenceValues",
                "OCI", "ImageCrypt", "ImageCryptKBS", "ImageUnpack",
                "OCIHTTPClient", "OCIURLSession",
                "Sandbox", "Pod", "KBSClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HermeticCoreTests", dependencies: ["HermeticCore", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "PKITests", dependencies: ["PKI", "TestSupport"]),
        .testTarget(
            name: "SEVSNPTests",
            dependencies: ["SEVSNP", "PKI", "TestSupport", "HermeticCore", "PolicyYAML", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "TDXTests", dependencies: ["TDX", "PKI", "TestSupport", "HermeticCore", "PolicyYAML"]),
        .testTarget(name: "TPMTests", dependencies: ["TPM", "EventLog", "PKI", "HermeticCore", "TestSupport",
                                                     "KeyBroker", "Attestation", "Storage", "JOSE", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "AzureCVMTests", dependencies: ["AzureCVM", "TPM", "SEVSNP", "HermeticCore", "TestSupport"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "TPM", "HermeticCore", "TestSupport"]),
        .testTarget(name: "AttestationTests", dependencies: ["Attestation", "TestSupport", "Rego", "TPM"]),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "StoragePostgres", "HermeticCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "KeyBrokerTests",
            dependencies: ["KeyBroker", "Attestation", "JOSE", "Storage", "HermeticCore", "TestSupport", "SEVSNP",
                           .product(name: "Crypto", package: "swift-crypto"),
                           "ReferenceValues"]
        ),
        .testTarget(
            name: "RegoTests",
            dependencies: [
                "Rego", "TestSupport", .product(name: "Yams", package: "Yams"),
                .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(name: "GateTests", dependencies: ["Gate", "PolicyGenerator", "Rego", "InitData", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "JOSETests", dependencies: ["JOSE", "HermeticCore"]),
        .testTarget(
            name: "HermeticServerTests",
            dependencies: ["HermeticServer", "KeyBroker", "Attestation", "JOSE", "Storage", "HermeticCore", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "HermeticCLITests",
            dependencies: ["TestSupport", "HermeticCore", "Storage", "KeyBroker", "JOSE", .product(name: "Crypto", package: "swift-crypto"),
                           "OCI", "KBSClient"]
        ),
        // Issue 8: registries over TLS with operator-given roots, on AsyncHTTPClient (swift-nio-ssl, already linked by
        // the CLI through postgres-nio); its own target so that OCI stays on swift-crypto alone.
        .target(
            name: "OCIHTTPClient",
            dependencies: ["OCI", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        // The registry transport over URLSession (libcurl), kept out of OCI so the static guest agent links OCI without
        // FoundationNetworking; the agent reaches its registry through GuestAgent's NIO transport.
        .target(name: "OCIURLSession", dependencies: ["OCI"]),
        // Issue 8: OCI image layouts and the distribution client; ocicrypt-compatible layer encryption.
        .target(
            name: "OCI",
            dependencies: ["HermeticCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "ImageCrypt",
            dependencies: [
                "HermeticCore", "OCI", "JOSE",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // `image unpack`: tar layers with whiteouts into a root, escapes refused; gzip through the system zlib.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "ImageUnpack", dependencies: ["OCI", "HermeticCore", "CZlib"]),
        // The key provider's broker side: KEKs fetched after attestation, or created through the admin API.
        .target(name: "ImageCryptKBS", dependencies: ["ImageCrypt", "KeyBroker", "JOSE", "HermeticCore"]),
        .testTarget(
            name: "ImageCryptTests",
            dependencies: ["ImageCrypt", "ImageCryptKBS", "ImageUnpack", "OCI", "JOSE", "HermeticCore", "KeyBroker", "Attestation", "Storage",
                           "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto"),
                           "OCIHTTPClient", "OCIURLSession", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(name: "InitDataTests", dependencies: ["InitData", "HermeticCore", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                                                        .product(name: "TOMLKit", package: "TOMLKit")]),
        .testTarget(name: "MeasureTests", dependencies: ["Measure", "HermeticCore", "TestSupport", "EventLog"]),
        .testTarget(
            name: "ReferenceValuesTests",
            dependencies: ["ReferenceValues", "Attestation", "Rego", "HermeticCore", "TestSupport", "SEVSNP",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Issue 10 (host side): the measured VM sandbox: Debian's kernel from its package, the guest initramfs (newc cpio,
        // gzip), swtpm and QEMU with OVMF measured direct boot, the control port, the boot check and golden PCRs.
        .target(
            name: "Sandbox",
            dependencies: [
                "HermeticCore", "Measure", "EventLog", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: ["Sandbox", "Measure", "EventLog", "InitData", "ReferenceValues", "HermeticCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The first pod slice (issue 10): register an image with the broker, boot it, collect the agent's report.
        .target(
            name: "Pod",
            dependencies: ["Sandbox", "KBSClient", "InitData", "HermeticCore", "Gate"]
        ),
        .testTarget(
            name: "PodTests",
            dependencies: [
                "Pod", "Sandbox", "KBSClient", "KeyBroker", "HermeticServer", "Attestation", "Storage", "TPM", "InitData", "HermeticCore",
                "Gate", "PolicyGenerator", "OCI", "OCIURLSession", "ImageCrypt", "TestSupport", "GuestAgent",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The KBS protocol messages and the guest/tenant client (issue 10): what a guest links without the broker.
        .target(
            name: "KBSClient",
            dependencies: [
                "HermeticCore", "JOSE", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The guest's evidence drivers (TPM device, configfs-tsm, /dev/sev-guest), runtime measurements (AAEL) and the
        // init-data check: what hermetic-agent links, without the broker or the verifiers' collateral.
        .target(
            name: "GuestAttester",
            dependencies: [
                "HermeticCore", "KBSClient", "TPM", "SEVSNP", "TDX", "InitData", "EventLog",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The agent's boot (init-data check, evidence source, broker session), the gate over the control channel's
        // character device, the pod runtime seam. No broker, no Hummingbird, no database.
        .target(
            name: "GuestAgent",
            dependencies: ["GuestAttester", "KBSClient", "Gate", "InitData", "TPM", "HermeticCore", "OCI", "ImageCrypt", "ImageUnpack",
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The guest agent: a second executable, built fully static for the VM.
        .executableTarget(
            name: "hermetic-agent",
            dependencies: [
                "GuestAgent", "GuestAttester", "KBSClient", "Gate", "HermeticCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "GuestAgentTests",
            dependencies: [
                "GuestAttester", "GuestAgent", "Gate", "KBSClient", "KeyBroker", "HermeticServer", "Attestation", "Storage", "TestSupport", "TPM", "SEVSNP",
                "InitData", "JOSE", "HermeticCore", "EventLog", "TDX", "Pod", "Rego",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The tenant's KBS transport over URLSession (FoundationNetworking, libcurl): kept apart so the guest does not link it.
        .target(name: "KBSURLSession", dependencies: ["KBSClient"]),
    
        // Agent size: the guest agent's targets link FoundationEssentials only (no ICU). What needs Yams (and so full
        // Foundation) lives in host-side targets: the YAML readers of the SNP and DCAP policies, and the genpolicy-style
        // agent policy generator (the agent enforces policies, it does not write them).
        .target(
            name: "PolicyYAML",
            dependencies: ["SEVSNP", "TDX", "HermeticCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "PolicyGenerator",
            dependencies: ["Gate", "HermeticCore", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Yams", package: "Yams")]
        ),
    ]
)
