import HermeticCore
import Pod
import Sandbox
import Testing

@Suite("GoldenFile: pod golden's document read back")
struct GoldenFileTests {
    static let golden = GoldenPCRs(pcrs: Dictionary(uniqueKeysWithValues: (0...7).map { (UInt32($0), [UInt8](repeating: UInt8($0 + 1), count: 32)) }),
                                   eventLog: [1, 2, 3], qemuVersion: "QEMU emulator version 7.2.19", firmware: "/usr/share/ovmf/OVMF.fd",
                                   firmwareDigest: [UInt8](repeating: 0xAB, count: 32), firmwarePackage: "ovmf 2022.11-6", kernelRelease: "6.1.0-56-amd64",
                                   memoryMiB: 1024)

    @Test("the document round-trips: PCRs, inputs and event log")
    func roundTrip() throws {
        let read = try GoldenFile.read(Array(Self.golden.document.canonicalJSON().utf8))
        #expect(read.pcrs == Self.golden.pcrs)
        #expect(read.eventLog == [1, 2, 3] && read.memoryMiB == 1024 && read.qemuVersion == Self.golden.qemuVersion)
        #expect(read.firmwareDigest == Self.golden.firmwareDigest && read.firmwarePackage == "ovmf 2022.11-6" && read.kernelRelease == "6.1.0-56-amd64")
        #expect(read.document.canonicalJSON() == Self.golden.document.canonicalJSON())
    }

    @Test("not JSON, a plain RVPS message, a missing PCR or a short digest: bad input naming it")
    func malformed() throws {
        #expect(throws: PodError(.badInput, "")) { try GoldenFile.read(Array("not json".utf8)) }
        let plain = JSONValue.object(SandboxReferenceValues.rvpsSample(["tpm_pcr00": .array([.string("00")])]))
        #expect(throws: PodError(.badInput, "")) { try GoldenFile.read(Array(plain.canonicalJSON().utf8)) }
        var pcrs = Self.golden.pcrs
        pcrs[7] = nil
        let missing = GoldenPCRs(pcrs: pcrs, eventLog: [], qemuVersion: "q", firmware: "f", firmwareDigest: [0], firmwarePackage: nil,
                                 kernelRelease: "k", memoryMiB: 1024)
        let error = #expect(throws: PodError.self) { try GoldenFile.read(Array(missing.document.canonicalJSON().utf8)) }
        #expect(error?.message.contains("PCR 7") == true)
        pcrs[7] = [1, 2]
        let short = GoldenPCRs(pcrs: pcrs, eventLog: [], qemuVersion: "q", firmware: "f", firmwareDigest: [0], firmwarePackage: nil,
                               kernelRelease: "k", memoryMiB: 1024)
        #expect(throws: PodError(.badInput, "")) { try GoldenFile.read(Array(short.document.canonicalJSON().utf8)) }
    }
}
