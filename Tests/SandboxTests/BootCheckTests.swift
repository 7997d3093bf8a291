import Crypto
import EventLog
import Foundation
import HermeticCore
import Testing
@testable import Measure
@testable import Sandbox

/// The host's check of a boot report, on the event log and PCRs captured from a real OVMF + swtpm boot of Debian's
/// 6.1.0-56 kernel on this machine (Tests/Fixtures/vtpm-boot, PROVENANCE.md).
@Suite("Boot report and check")
struct BootCheckTests {
    static func capturedPCRs() throws -> [UInt32: [UInt8]] {
        let text = String(decoding: try SandboxEnvironment.fixture("vtpm-boot/pcrs-sha256.txt"), as: UTF8.self)
        var pcrs: [UInt32: [UInt8]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, let index = UInt32(fields[1]), let value = Hex.decode(fields[2]) { pcrs[index] = value }
        }
        return pcrs
    }

    static func reportLines(log: [UInt8], pcrs: [UInt32: [UInt8]], extra: [String] = []) -> [String] {
        let base64 = Data(log).base64EncodedString()
        var lines = ["EVENTLOG-BEGIN"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 76, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        lines.append("EVENTLOG-END")
        lines += pcrs.sorted { $0.key < $1.key }.map { "PCR sha256 \($0.key) \(Hex.encode($0.value).uppercased())" }
        return lines + extra + ["DONE"]
    }

    static func parse(_ lines: [String]) throws(SandboxError) -> BootReport {
        var iterator = lines.makeIterator()
        return try BootReport { () throws(SandboxError) -> String? in iterator.next() }
    }

    @Test("the captured log replays to the PCRs the guest read; PCR 9's load-options event is the calculator's")
    func capturedReplay() throws {
        let log = try SandboxEnvironment.fixture("vtpm-boot/binary_bios_measurements")
        let pcrs = try Self.capturedPCRs()
        let report = try Self.parse(Self.reportLines(log: log, pcrs: pcrs, extra: ["INITDATA " + String(repeating: "ab", count: 32)]))
        #expect(report.eventLog == log)
        #expect(report.pcrs[0x000B]?[4] == pcrs[4])
        #expect(report.initDataDigest == [UInt8](repeating: 0xAB, count: 32))
        let parsed = try TCGEventLog(bytes: log)
        let replay = EventLogReplay(parsed)
        #expect(replay.mismatches([0x000B: pcrs]).isEmpty)
        #expect(replay.comparedCount([0x000B: pcrs]) == 9)
        let tags = parsed.events.filter { $0.index == 9 }
        #expect(tags.count == 2)
        // The load options of that boot, as OVMF passed them.
        var loadOptions: [UInt8] = []
        for unit in "console=ttyS0 panic=-1 quiet initrd=initrd".utf16 { loadOptions += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(tags.first?.digests.first { $0.algorithm == 0x000B }?.bytes == VTPMBootMeasurement.Bank.sha256.hash(loadOptions + [0, 0]))
        let pcr4 = parsed.events.filter { $0.index == 4 }.compactMap { $0.digests.first { $0.algorithm == 0x000B }?.bytes }
        #expect(pcr4.count == 3)
        #expect(Array(pcr4.dropFirst()) == [VTPMBootMeasurement.Bank.sha256.hash(Array(VTPMBootMeasurement.bootOptionAction.utf8)),
                                           VTPMBootMeasurement.Bank.sha256.hash([0, 0, 0, 0])])
    }

    @Test("PCR 4 of the captured boot is predicted from Debian's kernel 6.1.0-56, the initrd size and 1024 MiB",
          .enabled(if: KernelPackage.cached(in: SandboxEnvironment.cache).contains { $0.release == "6.1.0-56-amd64" },
                   "skipped: the captured boot used linux-image-6.1.0-56-amd64, which is not unpacked under .build/vm-cache"))
    func capturedKernelDigest() throws {
        let kernel = try #require(KernelPackage.cached(in: SandboxEnvironment.cache).first { $0.release == "6.1.0-56-amd64" })
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: kernel.kernelPath)))
        let image = try QEMUKernelImage(kernel: bytes, initrdSize: 1_189_545, memoryMiB: 1024)
        let layout = try PEImageHash(image: image.bytes)
        let digest = layout.digest(of: image.bytes, using: SHA256.self)
        let log = try TCGEventLog(bytes: try SandboxEnvironment.fixture("vtpm-boot/binary_bios_measurements"))
        let measured = log.events.first { $0.index == 4 }?.digests.first { $0.algorithm == 0x000B }?.bytes
        #expect(measured == digest)
        #expect(Hex.encode(digest) == "7b7384798a7d351c3b12bd8f9e2f58d2c74b35f0d83100d0b40e5b1f1a23bcb1")
        // The file's own Authenticode hash (what pesign prints) is not what OVMF measured.
        let unpatched = try PEImageHash(image: bytes).digest(of: bytes, using: SHA256.self)
        #expect(unpatched != digest)
        let replayed = EventLogReplay(log).banks[0x000B]?[4]
        let pcr4 = VTPMBootMeasurement.replay([digest, VTPMBootMeasurement.Bank.sha256.hash(Array(VTPMBootMeasurement.bootOptionAction.utf8)),
                                                VTPMBootMeasurement.Bank.sha256.hash([0, 0, 0, 0])], .sha256)
        #expect(replayed == pcr4)
    }

    @Test("malformed reports are typed errors")
    func malformedReports() throws {
        let log = try SandboxEnvironment.fixture("vtpm-boot/binary_bios_measurements")
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["PCR sha256 4 zz", "DONE"]) }
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["PCR md5 4 00", "DONE"]) }
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["PCR sha256 24 00", "DONE"]) }
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["DONE"]) }
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["EVENTLOG-BEGIN", "!!!!", "EVENTLOG-END", "DONE"]) }
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["hello"]) }
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["FETCH http://10.0.2.100/x", "DONE"]) }
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(["FETCH http://10.0.2.100/x abcd", "DONE"]) }
        let fetched = try Self.parse(Self.reportLines(log: log, pcrs: [:], extra: ["FETCH http://a/x failed", "FETCH http://b/y " + String(repeating: "0f", count: 32)]))
        #expect(fetched.fetches["http://a/x"] == .some(nil))
        #expect(fetched.fetches["http://b/y"] == .some([UInt8](repeating: 0x0F, count: 32)))
        #expect(throws: SandboxError(.guestProtocol, "")) { try Self.parse(Array(Self.reportLines(log: log, pcrs: [:]).dropLast())) }
    }

    @Test("a replay that differs from the guest's PCRs, or a wrong prediction, is a measurement error")
    func mismatches() throws {
        let log = try SandboxEnvironment.fixture("vtpm-boot/binary_bios_measurements")
        var pcrs = try Self.capturedPCRs()
        let kernel = try SandboxEnvironment.fixture("vtpm-boot/fake-bzimage.bin")
        let expected = try VTPMBootMeasurement(kernel: kernel, initrd: [1, 2, 3], commandLine: "console=ttyS0", memoryMiB: 1024)
        let check = try BootCheck(report: try Self.parse(Self.reportLines(log: log, pcrs: pcrs)), expected: expected)
        #expect(check.replayMismatches.isEmpty)
        #expect(check.predictions.count == 2 && check.predictions.allSatisfy { !$0.matches })
        #expect(throws: SandboxError(.measurement, "")) { try check.requireMatch() }
        pcrs[7]?[0] ^= 1
        let tampered = try BootCheck(report: try Self.parse(Self.reportLines(log: log, pcrs: pcrs)), expected: expected)
        #expect(tampered.replayMismatches.map(\.index) == [7])
    }
}
