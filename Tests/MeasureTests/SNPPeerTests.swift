import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import Measure

/// sev-snp-measure (pip), the peer calculator, through `Benchmarks/peers/sev_snp_measure_batch.py` in one process.
enum SEVSNPMeasurePeer {
    /// The installed OVMF the peer and Hermetic both measure (Debian's `ovmf` package).
    static let ovmf = "/usr/share/ovmf/OVMF.fd"

    /// A Python that can import `sevsnpmeasure`: `$HERMETIC_SEV_SNP_MEASURE_PYTHON`, the CI venv
    /// `.build/venv-ssm/bin/python`, or `python3`.
    static let python: String? = {
        let root = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [root.appendingPathComponent(".build/venv-ssm/bin/python").path, "/usr/bin/python3"]
        if let configured = ProcessInfo.processInfo.environment["HERMETIC_SEV_SNP_MEASURE_PYTHON"] { candidates.insert(configured, at: 0) }
        return candidates.first { path in
            guard FileManager.default.isExecutableFile(atPath: path) else { return false }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-c", "import sevsnpmeasure"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
    }()

    static var available: Bool { python != nil && FileManager.default.fileExists(atPath: ovmf) }

    /// The peer's digests keyed `vmm/type/count`.
    static func digests(maxVCPUs: Int, vmms: [VMMType]) throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python ?? "/usr/bin/python3")
        let script = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Benchmarks/peers/sev_snp_measure_batch.py")
        process.arguments = [script.path, ovmf, String(maxVCPUs), vmms.map(\.rawValue).joined(separator: ",")]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode([String: String].self, from: data)
    }
}

@Suite("Agreement with sev-snp-measure")
struct SNPPeerTests {
    @Test("every vCPU type × 1…64 vCPUs × QEMU, EC2 and GCE: the same launch digest as sev-snp-measure",
          .enabled(if: SEVSNPMeasurePeer.available,
                   "skipped: sev-snp-measure (pip) or /usr/share/ovmf/OVMF.fd is missing; .ci/run installs both (HERMETIC_SEV_SNP_MEASURE_PYTHON names a venv's python)"))
    func sameDigests() throws {
        let vmms = VMMType.allCases
        let theirs = try SEVSNPMeasurePeer.digests(maxVCPUs: 64, vmms: vmms)
        #expect(theirs.count == vmms.count * VCPUType.all.count * 64)
        let image = try FirmwareImage(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: SEVSNPMeasurePeer.ovmf))))
        var compared = 0
        for vmm in vmms {
            let measurement = try SNPMeasurement(image: image, vmm: vmm)
            for type in VCPUType.all {
                for vcpus in 1...64 {
                    let key = "\(vmm.rawValue)/\(type.name)/\(vcpus)"
                    let peer = try #require(theirs[key], "the peer has no digest for \(key)")
                    #expect(Hex.encode(try measurement.digest(vcpus: vcpus, type: type)) == peer, "\(key)")
                    compared += 1
                }
            }
        }
        #expect(compared == 3 * 16 * 64)
    }
}
