import Foundation
import Testing

/// The static guest agent links FoundationEssentials only: no ICU (about 34 MB of its data alone) and no full
/// Foundation. ICU's data package names itself `icudt<version><endianness>` thousands of times, and that survives
/// `strip`, so its absence is checked on the bytes of the very binary the VM tests boot. A failure means an agent
/// target, or a package one of them links (as TOMLKit and Yams do), imports full Foundation.
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

    @Test(.enabled(if: PodEnvironment.agent != nil, "skipped: no static agent; build it with swift build -c release --product hermetic-agent --static-swift-stdlib -Xswiftc -static-executable"))
    func staticAgentHasNoICU() throws {
        let agent = try #require(PodEnvironment.agent)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: agent), options: .alwaysMapped)
        #expect(bytes.range(of: Data("icudt".utf8)) == nil,
                "\(agent) links ICU: an agent target, or a package one links, imports full Foundation")
    }

    @Test func agentTargetsImportFoundationEssentialsOnly() {
        #expect(Self.foundationImporters == [])
    }
}
