import Crypto
import Foundation
import HermeticCore
import Testing
import TestSupport

/// `hermetic measure vtpm-boot` on the synthetic bzImage, and `hermetic pod golden` on a real boot whose document
/// `hermetic rv add --rvps` stores.
@Suite("hermetic measure vtpm-boot and pod golden")
struct PodCommandTests {
    static let cache = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/vm-cache").path

    static func tool(_ name: String) -> Bool {
        ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"].contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    static var vmAvailable: Bool {
        let kernels = ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).filter { $0.hasPrefix("linux-image-") }
        return tool("qemu-system-x86_64") && tool("swtpm") && tool("swtpm_setup") && tool("busybox") && !kernels.isEmpty
            && FileManager.default.fileExists(atPath: "/usr/share/ovmf/OVMF.fd")
    }

    @Test("measure vtpm-boot --json: the predictions and their reference value ids; a non-kernel exits 2")
    func measure() throws {
        let kernel = Fixtures.url("vtpm-boot/fake-bzimage.bin").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-vtpm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let initrd = directory.appendingPathComponent("initrd")
        try Data((0..<19).flatMap { _ in (0...255).map { UInt8($0) } } + [UInt8](repeating: 0, count: 136)).write(to: initrd)
        let run = try CLIRun.hermetic(["measure", "vtpm-boot", "--kernel", kernel, "--initrd", initrd.path, "--append", "console=ttyS0 panic=-1",
                                       "--memory", "1024", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let output = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(output["prediction"] == .bool(true))
        #expect(output["banks"]?["sha256"]?["pcr4"]?.stringValue == "bdd336123e4aa1d05155f299bf5e7ce181ae97404d9a1a9a8af56f79ad7ff560")
        #expect(output["banks"]?["sha384"]?["pcr9"]?.stringValue == "95b64f3b038085d517be6e2ed3bca5ad8befd521ded4361bdb2ecba6f1ac83bcefd55770a8dca75da27d86fadeb1bbd5")
        #expect(output["reference_values"]?["tpm_pcr09"] == .array([.string("ceb47fd6700f127bf955b4e31151ab693ce4899347db095fec037c028cf84a26")]))
        // PCR 8: sha256(0^32 ‖ sha256(init-data bytes)), after the agent's one extend.
        let initData = directory.appendingPathComponent("initdata.toml")
        let initDataText = "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n"
        try Data(initDataText.utf8).write(to: initData)
        let withInitData = try CLIRun.hermetic(["measure", "vtpm-boot", "--kernel", kernel, "--memory", "1024", "--initdata", initData.path, "--json"])
        #expect(withInitData.status == 0, "\(withInitData.stderr)")
        let pcr8 = Array(SHA256.hash(data: [UInt8](repeating: 0, count: 32) + Array(SHA256.hash(data: Array(initDataText.utf8)))))
        let object = try JSONDecoder().decode(JSONValue.self, from: Data(withInitData.stdout.utf8))
        #expect(object["banks"]?["sha256"]?["pcr8"]?.stringValue == Hex.encode(pcr8))
        #expect(object["reference_values"]?["tpm_pcr08"] == .array([.string(Hex.encode(pcr8))]))

        let bad = try CLIRun.hermetic(["measure", "vtpm-boot", "--kernel", initrd.path, "--memory", "1024"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("measure:"))
        let badBank = try CLIRun.hermetic(["measure", "vtpm-boot", "--kernel", kernel, "--memory", "1024", "--bank", "md5"])
        #expect(badBank.status == 2)
    }

    @Test("measure tdx --kernel adds the RTMR 1/RTMR 2 predictions and tdvfkernel; --kernel without --memory exits 2")
    func measureTDX() throws {
        let kernel = Fixtures.url("vtpm-boot/fake-bzimage.bin").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-tdx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let initrd = directory.appendingPathComponent("initrd")
        try Data((0..<19).flatMap { _ in (0...255).map { UInt8($0) } } + [UInt8](repeating: 0, count: 136)).write(to: initrd)
        let ovmf = Fixtures.url("ovmf/OVMF.fd").path
        let run = try CLIRun.hermetic(["measure", "tdx", "--ovmf", ovmf, "--kernel", kernel, "--initrd", initrd.path,
                                       "--append", "console=ttyS0 panic=-1", "--memory", "1024", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let output = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(output["tdvfkernel"]?.stringValue == "1bf5c42776f28cbba8e66c182818a2d05a013921c0cc32fb9da8b00888813c3c9c40223e8b0772d36c413d4b7a843095")
        #expect(output["rtmr_2"]?.stringValue == "95b64f3b038085d517be6e2ed3bca5ad8befd521ded4361bdb2ecba6f1ac83bcefd55770a8dca75da27d86fadeb1bbd5")
        #expect(output["rtmr_1"]?.stringValue?.count == 96)
        #expect(output["mrtd"]?.stringValue?.count == 96)
        let missing = try CLIRun.hermetic(["measure", "tdx", "--ovmf", ovmf, "--kernel", kernel])
        #expect(missing.status == 2)
    }

    @Test("pod golden boots once, writes PCR 0–7 as an RVPS sample message that rv add stores; a missing firmware exits 3",
          .enabled(if: vmAvailable, "skipped: pod golden needs qemu-system-x86_64, swtpm, swtpm_setup, busybox, OVMF and a kernel package under .build/vm-cache (.ci/run provides them)"),
          .timeLimit(.minutes(3)))
    func golden() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("golden.json").path
        let run = try CLIRun.hermetic(["pod", "golden", "--cache", Self.cache, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: out)))
        #expect(document["type"]?.stringValue == "sample")
        #expect(document["hermetic_golden"]?["inputs"]?["qemu"]?.stringValue?.hasPrefix("QEMU emulator version") == true)
        #expect(document["hermetic_golden"]?["inputs"]?["ovmf_sha256"]?.stringValue?.count == 64)
        #expect((document["hermetic_golden"]?["event_log"]?.stringValue?.count ?? 0) > 1000)
        let pcr4 = try #require(document["hermetic_golden"]?["pcrs"]?["4"]?.stringValue)

        let store = directory.appendingPathComponent("store.json").path
        let add = try CLIRun.hermetic(["rv", "add", "--store", store, "--rvps", out])
        #expect(add.status == 0, "\(add.stderr)")
        let get = try CLIRun.hermetic(["rv", "get", "--store", store, "tpm_pcr04"])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(get.stdout.contains(pcr4))
        for index in 0...7 { #expect(run.stdout.contains("tpm_pcr0\(index): ")) }

        let missing = try CLIRun.hermetic(["pod", "golden", "--cache", Self.cache, "--out", out, "--firmware", "/nonexistent/OVMF.fd"])
        #expect(missing.status == 3, "\(missing.stderr)")
        #expect(missing.stderr.contains("sandbox:"))
    }
}
