import Foundation
import Testing

/// The static guest agent links FoundationEssentials only: no ICU (about 34 MB of its data alone) and no full
/// Foundation. ICU's data package names itself `icudt<version><endianness>` thousands of times, and that survives
/// `strip`, so its absence is checked on the bytes of the very binary the VM tests boot.
///
/// While a target of the agent (``foundationImporters``) or a package it links (``foundationPackages``: TOMLKit,
/// through `InitData`) still imports full Foundation, the check is a known issue naming them; once none does, it is
/// enforced.
@Suite struct StaticAgentFoundationTests {
    /// The targets the agent links; each file may import FoundationEssentials, never Foundation alone.
    static let agentTargets = ["hermetic-agent", "GuestAgent", "GuestAttester", "KBSClient", "Gate", "HermeticCore", "EventLog",
                               "ImageCrypt", "ImageUnpack", "InitData", "JOSE", "OCI", "PKI", "Rego", "SEVSNP", "TDX", "TPM"]

    /// Agent targets with a file that imports Foundation without first trying FoundationEssentials.
    static var foundationImporters: [String] {
        agentTargets.filter { target in
            let directory = PodEnvironment.packageRoot.appendingPathComponent("Sources/\(target)")
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? []
            return files.contains { file in
                guard file.hasSuffix(".swift"),
                      let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else { return false }
                return text.split(separator: "\n").contains { $0 == "import Foundation" } && !text.contains("import FoundationEssentials")
            }
        }
    }

    /// Packages the agent links whose sources import full Foundation (`import Foundation`, or `import struct
    /// Foundation.Data` and the like), found in `.build/checkouts`: TOMLKit (through `InitData`) does.
    static var foundationPackages: [String] {
        let checkouts = PodEnvironment.packageRoot.appendingPathComponent(".build/checkouts")
        return ["TOMLKit"].filter { package in
            let directory = checkouts.appendingPathComponent("\(package)/Sources")
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? []
            return files.contains { file in
                guard file.hasSuffix(".swift"),
                      let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else { return false }
                return !text.contains("FoundationEssentials") && text.split(separator: "\n").contains { line in
                    line == "import Foundation" || (line.hasPrefix("import ") && line.contains(" Foundation."))
                }
            }
        }
    }

    @Test(.enabled(if: PodEnvironment.agent != nil, "skipped: no static agent; build it with swift build -c release --product hermetic-agent --static-swift-stdlib -Xswiftc -static-executable"))
    func staticAgentHasNoICU() throws {
        let agent = try #require(PodEnvironment.agent)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: agent), options: .alwaysMapped)
        let hasICU = bytes.range(of: Data("icudt".utf8)) != nil
        let importers = Self.foundationImporters + Self.foundationPackages.map { "package " + $0 }
        if importers.isEmpty {
            #expect(!hasICU, "\(agent) links ICU although no agent target imports Foundation: look for a dependency that does")
        } else if hasICU {
            withKnownIssue("agent targets still importing Foundation: \(importers.joined(separator: ", "))") {
                Issue.record("\(agent) links ICU")
            }
        }
    }

    @Test func agentTargetsOtherThanTheKnownOnesAreFoundationFree() {
        #expect(Self.foundationImporters.filter { $0 != "Rego" } == [])
    }
}
