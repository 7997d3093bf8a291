import Crypto
import EventLog
import HermeticCore
import Testing
import TestSupport
@testable import Measure

/// PCR 4 and PCR 9 predictions for QEMU/OVMF direct kernel boot, on a synthetic bzImage whose expected digests were
/// computed by hand with Python's hashlib (the QEMU setup-header patch and the Authenticode ranges written out
/// separately; see PROVENANCE.md), and the patch fields one by one.
@Suite("vTPM boot calculators")
struct VTPMBootTests {
    static let initrd: [UInt8] = (0..<19).flatMap { _ in (0...255).map { UInt8($0) } } + [UInt8](repeating: 0, count: 136)

    @Test("QEMU's setup-header patch: loader type, heap, command line, initrd placement below the ACPI area")
    func patch() throws {
        let kernel = try Fixtures.bytes("vtpm-boot/fake-bzimage.bin")
        let image = try QEMUKernelImage(kernel: kernel, initrdSize: 5000, memoryMiB: 1024)
        #expect(image.bytes[0x210] == 0xB0)
        #expect(image.bytes[0x211] == 0x81)
        #expect(QEMUKernelImage.le16(image.bytes, 0x224) == 0xFE00)
        #expect(QEMUKernelImage.le32(image.bytes, 0x228) == 0x20000)
        // (1 GiB − 0x28000 − 1 − 5000) rounded down to 4 KiB.
        #expect(image.initrdAddress == 0x3FFD_6000)
        #expect(QEMUKernelImage.le32(image.bytes, 0x218) == 0x3FFD_6000)
        #expect(QEMUKernelImage.le32(image.bytes, 0x21C) == 5000)
        let changed = zip(kernel, image.bytes).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(changed.allSatisfy { (0x210...0x22B).contains($0) })
        // 512 MiB moves the initrd, so the kernel digest depends on the RAM size.
        let small = try QEMUKernelImage(kernel: kernel, initrdSize: 5000, memoryMiB: 512)
        #expect(small.initrdAddress == 0x1FFD_6000)
        // Above 2 GiB of RAM the kernel's limits matter: initrd_addr_max (0x7FFFFFFF) without XLF_CAN_BE_LOADED_ABOVE_4G,
        // the top of low RAM with it (as a real boot with 2560 MiB showed).
        #expect(try QEMUKernelImage(kernel: kernel, initrdSize: 5000, memoryMiB: 2560).initrdAddress == 0x7FFF_E000)
        var above4G = kernel
        above4G[0x236] |= 0x02
        #expect(try QEMUKernelImage(kernel: above4G, initrdSize: 5000, memoryMiB: 2560).initrdAddress == 0x9FFD_6000)
        #expect(try QEMUKernelImage(kernel: above4G, initrdSize: 5000, memoryMiB: 1024).initrdAddress == 0x3FFD_6000)
        // q35 maps only 2 GiB below 4 GiB once the RAM reaches 2816 MiB.
        #expect(try QEMUKernelImage(kernel: above4G, initrdSize: 5000, memoryMiB: 4096).initrdAddress == 0x7FFD_6000)
        // No initrd: the ramdisk fields stay as they were.
        let none = try QEMUKernelImage(kernel: kernel, initrdSize: nil, memoryMiB: 1024)
        #expect(Array(none.bytes[0x218..<0x220]) == Array(kernel[0x218..<0x220]))
    }

    @Test("PCR 4 and PCR 9 in SHA-256 and SHA-384 equal the hand-computed values")
    func predictions() throws {
        let kernel = try Fixtures.bytes("vtpm-boot/fake-bzimage.bin")
        #expect(Hex.encode(SHA256.hash(data: kernel)) == "aaaa2add5bdcb1c78d862e25f23608dbc0c9f922cdac6e2c73cc2b88f312ad8f")
        let boot = try VTPMBootMeasurement(kernel: kernel, initrd: Self.initrd, commandLine: "console=ttyS0 panic=-1", memoryMiB: 1024)
        #expect(boot.loadOptions == "console=ttyS0 panic=-1 initrd=initrd")
        #expect(Hex.encode(boot.kernelDigest(.sha256)) == "2ce5d6521e459d88650713be8a77f0479a878602b5d49ec2d657171c4217c36e")
        #expect(Hex.encode(boot.pcr4(.sha256)) == "bdd336123e4aa1d05155f299bf5e7ce181ae97404d9a1a9a8af56f79ad7ff560")
        #expect(Hex.encode(boot.pcr9(.sha256)) == "ceb47fd6700f127bf955b4e31151ab693ce4899347db095fec037c028cf84a26")
        #expect(Hex.encode(boot.kernelDigest(.sha384)) == "1bf5c42776f28cbba8e66c182818a2d05a013921c0cc32fb9da8b00888813c3c9c40223e8b0772d36c413d4b7a843095")
        #expect(Hex.encode(boot.pcr4(.sha384)) == "1e90f0d293b638a5a99f7985b7c8f88a9f3d5f512068238352856f64286cd74a181934c074052b1deca0d20637336b1c")
        #expect(Hex.encode(boot.pcr9(.sha384)) == "95b64f3b038085d517be6e2ed3bca5ad8befd521ded4361bdb2ecba6f1ac83bcefd55770a8dca75da27d86fadeb1bbd5")
        // The Authenticode ranges skip the checksum and the certificate entry, take .setup before .text (sorted by
        // file offset, not table order), the 0x40 bytes after the sections, and not the certificate table.
        #expect(boot.peLayout.ranges == [0..<0xD8, 0xDC..<0x128, 0x130..<0x200, 0x200..<0x800, 0x800..<0x3800, 0x3800..<0x3840])
    }

    @Test("the command line changes PCR 9 only; the initrd size and RAM change PCR 4; vga= changes PCR 4")
    func dependencies() throws {
        let kernel = try Fixtures.bytes("vtpm-boot/fake-bzimage.bin")
        let base = try VTPMBootMeasurement(kernel: kernel, initrd: Self.initrd, commandLine: "console=ttyS0", memoryMiB: 1024)
        let otherLine = try VTPMBootMeasurement(kernel: kernel, initrd: Self.initrd, commandLine: "console=ttyS0 debug", memoryMiB: 1024)
        #expect(base.pcr4(.sha256) == otherLine.pcr4(.sha256))
        #expect(base.pcr9(.sha256) != otherLine.pcr9(.sha256))
        let otherRAM = try VTPMBootMeasurement(kernel: kernel, initrd: Self.initrd, commandLine: "console=ttyS0", memoryMiB: 2048)
        #expect(base.pcr4(.sha256) != otherRAM.pcr4(.sha256))
        #expect(base.pcr9(.sha256) == otherRAM.pcr9(.sha256))
        var sameSize = Self.initrd
        sameSize[0] ^= 1
        let otherContent = try VTPMBootMeasurement(kernel: kernel, initrd: sameSize, commandLine: "console=ttyS0", memoryMiB: 1024)
        #expect(base.pcr4(.sha256) == otherContent.pcr4(.sha256))
        #expect(base.pcr9(.sha256) != otherContent.pcr9(.sha256))
        let vga = try VTPMBootMeasurement(kernel: kernel, initrd: Self.initrd, commandLine: "console=ttyS0 vga=0x318", memoryMiB: 1024)
        #expect(QEMUKernelImage.le16(vga.kernelImage.bytes, 0x1FA) == 0x318)
        #expect(base.pcr4(.sha256) != vga.pcr4(.sha256))
        #expect(try QEMUKernelImage.videoMode("vga=normal") == 0xFFFF)
        #expect(try QEMUKernelImage.videoMode("quiet vga=791 x") == 791)
        #expect(try QEMUKernelImage.videoMode("vga=0317") == 0o317)
        #expect(throws: MeasureError(.kernelImage, "")) { try QEMUKernelImage.videoMode("vga=big") }
        // No initrd: no " initrd=initrd", one PCR 9 event.
        let bare = try VTPMBootMeasurement(kernel: kernel, initrd: nil, commandLine: "console=ttyS0", memoryMiB: 1024)
        #expect(bare.loadOptions == "console=ttyS0")
        #expect(bare.pcr9Events(.sha256).count == 1)
    }

    @Test("bad kernels and initrds are typed errors, never crashes")
    func malformed() throws {
        let kernel = try Fixtures.bytes("vtpm-boot/fake-bzimage.bin")
        #expect(throws: MeasureError(.kernelImage, "")) { try QEMUKernelImage(kernel: Array(kernel.prefix(100)), initrdSize: nil, memoryMiB: 1024) }
        var noHeader = kernel
        noHeader[0x202] = 0
        #expect(throws: MeasureError(.kernelImage, "")) { try QEMUKernelImage(kernel: noHeader, initrdSize: nil, memoryMiB: 1024) }
        #expect(throws: MeasureError(.initrdSize, "")) { try QEMUKernelImage(kernel: kernel, initrdSize: 200 << 20, memoryMiB: 128) }
        #expect(throws: MeasureError(.option, "")) { try QEMUKernelImage(kernel: kernel, initrdSize: nil, memoryMiB: 0) }
        var notPE = kernel
        notPE[0] = 0
        #expect(throws: MeasureError(.kernelImage, "")) { try VTPMBootMeasurement(kernel: notPE, initrd: nil, commandLine: "", memoryMiB: 1024) }
        // Every byte of the PE headers and section table mutated: a digest or a typed error.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var bytes = kernel
            for _ in 0..<3 { bytes[Int.random(in: 0x3C..<0x1D8, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            do {
                _ = try VTPMBootMeasurement(kernel: bytes, initrd: nil, commandLine: "", memoryMiB: 1024).pcr4(.sha256)
            } catch {
                #expect(error.code == .kernelImage)
            }
        }
    }
}

/// RTMR 1 and RTMR 2 predictions for TDVF direct boot: their structure against Trustee's real TDX direct-boot CCEL
/// (`CCEL_data_ovmf`: MR index 2 = RTMR 1, 3 = RTMR 2), and the values on the synthetic bzImage.
@Suite("TDX direct-boot RTMR predictions")
struct TDXDirectBootTests {
    /// (MR index, type, SHA-384 digest) of each event of the real log.
    static func events() throws -> [(index: UInt32, type: UInt32, digest: [UInt8])] {
        let bytes = try Fixtures.bytes("eventlog/trustee-ccel-data-ovmf/CCEL_data_ovmf")
        return try CCELReader.events(bytes)
    }

    @Test("RTMR 1 of the real log is the kernel event then TDVF's three actions; RTMR 2 is the stub's two tags")
    func structure() throws {
        let events = try Self.events()
        let rtmr1 = events.filter { $0.index == 2 }
        let rtmr2 = events.filter { $0.index == 3 }
        #expect(rtmr1.first?.type == 0x8000_0003)
        let kernel = try #require(rtmr1.first?.digest)
        #expect(rtmr1.map(\.digest) == TDXDirectBoot.rtmr1Events(kernelDigest: kernel))
        #expect(rtmr2.count == 2 && rtmr2.allSatisfy { $0.type == 0x0000_0006 })
    }

    @Test("RTMR 1 and RTMR 2 on the synthetic bzImage: SHA-384 kernel digest, the actions, the PCR 9 events")
    func values() throws {
        let kernel = try Fixtures.bytes("vtpm-boot/fake-bzimage.bin")
        let boot = try VTPMBootMeasurement(kernel: kernel, initrd: VTPMBootTests.initrd, commandLine: "console=ttyS0 panic=-1", memoryMiB: 1024)
        let tdx = TDXDirectBoot(boot)
        #expect(Hex.encode(tdx.kernelDigest) == "1bf5c42776f28cbba8e66c182818a2d05a013921c0cc32fb9da8b00888813c3c9c40223e8b0772d36c413d4b7a843095")
        #expect(Hex.encode(tdx.rtmr2) == "95b64f3b038085d517be6e2ed3bca5ad8befd521ded4361bdb2ecba6f1ac83bcefd55770a8dca75da27d86fadeb1bbd5")
        #expect(tdx.rtmr1Events.count == 4)
        #expect(Hex.encode(tdx.rtmr1Events[2]).hasPrefix("214b0bef13797560"))
        #expect(tdx.rtmr1 == VTPMBootMeasurement.replay(tdx.rtmr1Events, .sha384))
        #expect(tdx.rtmr1 != boot.pcr4(.sha384))
    }
}

/// The few fields of a crypto-agile CC event log these tests need, read with the EventLog target's reader.
enum CCELReader {
    static func events(_ bytes: [UInt8]) throws -> [(index: UInt32, type: UInt32, digest: [UInt8])] {
        try TCGEventLog(bytes: bytes).events.compactMap { event in
            event.digests.first { $0.algorithm == TCGEventLog.sha384 }.map { (event.index, event.type, $0.bytes) }
        }
    }
}
