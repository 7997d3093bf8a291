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
    static let python = PeerPython.find(importing: "sevsnpmeasure", environmentVariable: "HERMETIC_SEV_SNP_MEASURE_PYTHON", venv: "venv-ssm", fallbacks: ["/usr/bin/python3"])

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

/// A firmware with an SNP_KERNEL_HASHES section, made from Debian's OVMF (which has none): the SEV metadata block is
/// rewritten elsewhere in the image with a sixth section (a kernel-hashes page at 0x820000), the metadata pointer
/// moved to it, and the SEV hash table location entry (present in Debian's OVMF, zero) set to 0x820400.
enum KernelHashesFirmware {
    static let pageGPA: UInt32 = 0x82_0000
    static let tableGPA: UInt32 = 0x82_0400

    static func bytes() throws -> [UInt8] {
        var bytes = try Fixtures.bytes("ovmf/OVMF.fd")
        let image = try FirmwareImage(bytes: bytes)
        let metadata = try #require(try SEVMetadata(image: image))
        func le32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        var block = Array("ASEV".utf8) + le32(UInt32(16 + 12 * (metadata.sections.count + 1))) + le32(1) + le32(UInt32(metadata.sections.count + 1))
        for section in metadata.sections {
            block += le32(UInt32(section.gpa)) + le32(UInt32(section.size)) + le32(section.type.rawValue)
        }
        block += le32(pageGPA) + le32(0x1000) + le32(SEVMetadata.SectionType.kernelHashes.rawValue)
        let blockOffset = 0x1000  // inside the variable store, which both tools hash as ordinary firmware pages
        bytes.replaceSubrange(blockOffset..<(blockOffset + block.count), with: block)
        let pointer = try #require(image.entry(.sevMetadata)).startIndex
        bytes.replaceSubrange(pointer..<(pointer + 4), with: le32(UInt32(bytes.count - blockOffset)))
        let location = try #require(image.entry(.sevHashTableLocation)).startIndex
        bytes.replaceSubrange(location..<(location + 8), with: le32(tableGPA) + le32(0xB0))
        return bytes
    }
}

extension SNPPeerTests {
    @Test("kernel, initrd and command line measured through an SNP_KERNEL_HASHES page: the same digest as sev-snp-measure",
          .enabled(if: SEVSNPMeasurePeer.python != nil, "skipped: sev-snp-measure (pip) is missing; .ci/run installs it"))
    func kernelHashes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-kh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let firmware = try KernelHashesFirmware.bytes()
        let firmwarePath = directory.appendingPathComponent("OVMF-kh.fd").path
        try Data(firmware).write(to: URL(fileURLWithPath: firmwarePath))
        let kernel = Fixtures.url("initdata/init-data-with-policy.toml").path
        let initrd = Fixtures.url("initdata/spec-example-sha384.toml").path
        let append = "console=ttyS0 root=/dev/vda1 ro"
        let cases: [(String?, String?)] = [(initrd, append), (nil, nil), (initrd, nil)]
        let measurement = try FirmwareImage(bytes: firmware)
        for (initrdPath, commandLine) in cases {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: SEVSNPMeasurePeer.python ?? "/usr/bin/python3")
            let script = """
                import sys
                from sevsnpmeasure import guest, vcpu_types
                from sevsnpmeasure.sev_mode import SevMode
                from sevsnpmeasure.vmm_types import VMMType
                initrd = sys.argv[3] or None
                append = sys.argv[4] or None
                print(guest.calc_launch_digest(SevMode.SEV_SNP, 2, vcpu_types.CPU_SIGS["EPYC-Milan"], sys.argv[1], sys.argv[2], initrd, append, 0x1, "", VMMType.QEMU).hex())
                """
            process.arguments = ["-c", script, firmwarePath, kernel, initrdPath ?? "", commandLine ?? ""]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let peer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let hashes = SEVHashTable(kernel: try Fixtures.bytes("initdata/init-data-with-policy.toml"),
                                      initrd: try initrdPath.map { _ in try Fixtures.bytes("initdata/spec-example-sha384.toml") },
                                      commandLine: commandLine)
            let ours = try SNPMeasurement(image: measurement, hashes: hashes).digest(vcpus: 2, type: try #require(VCPUType.named("EPYC-Milan")))
            #expect(Hex.encode(ours) == peer, "initrd \(initrdPath != nil), append \(commandLine ?? "none")")
            // And without the kernel, the page is measured as zeros: a different digest.
            #expect(try SNPMeasurement(image: measurement).digest(vcpus: 2, type: try #require(VCPUType.named("EPYC-Milan"))) != ours)
        }
    }
}
