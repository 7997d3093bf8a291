import HermeticCore
import Testing
import TestSupport
@testable import Measure

/// SEV-SNP launch digests of Debian's OVMF (ovmf 2022.11-6+deb12u2, committed under Tests/Fixtures/ovmf) against
/// fixed digests printed by sev-snp-measure 0.0.13 (`sev-snp-measure --mode snp --vcpus N --vcpu-type T
/// [--vmm-type V] [--guest-features F] --ovmf OVMF.fd`). These run without Python; SNPPeerTests runs the peer.
@Suite("SEV-SNP launch measurement")
struct SNPMeasurementTests {
    static func image() throws -> FirmwareImage { try FirmwareImage(bytes: try Fixtures.bytes("ovmf/OVMF.fd")) }

    @Test(
        "fixed digests of Debian's OVMF.fd",
        arguments: [
            (4, "EPYC-v4", VMMType.qemu, UInt64(0x1), "32ac9d7a17d28f7cd4404a4516d2f00519668c40ada2062351c36767e908eb3f090d66c33ab10f80150e00a4385b6d0f"),
            (1, "EPYC-Milan", .qemu, 0x1, "80479ca85a2b182c026f6a3a2f2b180ab968d84b17540dd30de39039e70b8c0c33ead2cae6d34e37750035fcff60bfc8"),
            (64, "EPYC-Genoa", .qemu, 0x1, "116782ea268c53bb35d0aaa22ac8a9dcb6b554455ef409b4ff7a86f96aca2bb919e91c4421a6ceab27fa0de1296e242e"),
            (2, "EPYC-Rome", .ec2, 0x1, "7f6fef705ba886215518820a96b21feaa2f874814889d8b5a776b1abf0058c913ca457043ab5a3092f35847c3078c93c"),
            (3, "EPYC-v4", .gce, 0x1, "6205664d844eb35eb5b90956a849b26c134874da259e6b63e5cd3cd281dc975eaf796ddbbda1fbf24542552cd61b7cae"),
            (2, "EPYC-Milan", .qemu, 0x21, "5b3db052ccc5855965bddaedae87d1a3d1f3728bb93bc12f4eb86e07e842b7bdaa77e56f97c28eb52fdd93eb25e72305"),
        ]
    )
    func fixedDigests(vcpus: Int, type: String, vmm: VMMType, features: UInt64, expected: String) throws {
        let measurement = try SNPMeasurement(image: try Self.image(), vmm: vmm)
        let vcpuType = try #require(VCPUType.named(type))
        #expect(Hex.encode(try measurement.digest(vcpus: vcpus, type: vcpuType, guestFeatures: features)) == expected)
    }

    @Test("kernel hashes on the firmware with an SNP_KERNEL_HASHES section (SNPPeerTests' KernelHashesFirmware): sev-snp-measure's digest")
    func fixedKernelHashesDigest() throws {
        let hashes = SEVHashTable(kernel: try Fixtures.bytes("initdata/init-data-with-policy.toml"),
                                  initrd: try Fixtures.bytes("initdata/spec-example-sha384.toml"), commandLine: "console=ttyS0 root=/dev/vda1 ro")
        let measurement = try SNPMeasurement(image: try FirmwareImage(bytes: try KernelHashesFirmware.bytes()), hashes: hashes)
        #expect(Hex.encode(try measurement.digest(vcpus: 2, type: try #require(VCPUType.named("EPYC-Milan"))))
                == "dbeb0dd22cc3551574bc058c5be4fa069bb45c54a34cd5311e0a40f7f07d71ae1af4488867eeeab32834e834faaf770f")
    }

    @Test("the firmware's SEV metadata sections as tools-here.md lists them, and its reset block")
    func metadata() throws {
        let image = try Self.image()
        #expect(image.gpa == 0xFFE0_0000)
        let metadata = try #require(try SEVMetadata(image: image))
        #expect(metadata.sections.map(\.type) == [.secMemory, .secMemory, .secrets, .cpuid, .secMemory])
        #expect(metadata.sections.map(\.gpa) == [0x80_0000, 0x80_A000, 0x80_D000, 0x80_E000, 0x80_F000])
        #expect(metadata.sections[0].size == 0x9000)
        #expect(metadata.sections[4].size == 0x11000)
        #expect(image.entryUInt32(.sevESResetBlock) == 0x80_B004)
        #expect(!metadata.contains(.kernelHashes))
    }

    @Test("a kernel with firmware that has no kernel-hashes section is refused, not measured")
    func kernelWithoutHashesSection() throws {
        let hashes = SEVHashTable(kernel: [1, 2, 3], initrd: nil, commandLine: "console=ttyS0")
        #expect(throws: MeasureError(.noKernelHashes, "")) { try SNPMeasurement(image: try Self.image(), hashes: hashes) }
    }

    @Test("firmware without SEV metadata is refused (sev-snp-measure prints a digest for it)")
    func noMetadata() throws {
        var bytes = try Fixtures.bytes("ovmf/OVMF.fd")
        // Break the GUID-table footer: the image is then an ordinary firmware volume with no SEV metadata.
        bytes[bytes.count - 32 - 1] ^= 0xFF
        let image = try FirmwareImage(bytes: bytes)
        #expect(image.table.isEmpty)
        #expect(throws: MeasureError(.sevMetadata, "")) { try SNPMeasurement(image: image) }
    }

    @Test("malformed images give typed errors", arguments: [0, 100, 4095])
    func badSizes(size: Int) {
        #expect(throws: MeasureError(.firmwareSize, "")) { try FirmwareImage(bytes: [UInt8](repeating: 0, count: size)) }
    }

    @Test("a corrupted SEV metadata header is reported, not read")
    func corruptedMetadata() throws {
        var bytes = try Fixtures.bytes("ovmf/OVMF.fd")
        let image = try FirmwareImage(bytes: bytes)
        let offset = try #require(image.entryUInt32(.sevMetadata))
        bytes[bytes.count - Int(offset)] = UInt8(ascii: "X")
        #expect(throws: MeasureError(.sevMetadata, "")) { try SNPMeasurement(image: try FirmwareImage(bytes: bytes)) }
    }

    @Test("vCPU counts outside 1…512 are refused")
    func vcpuRange() throws {
        let measurement = try SNPMeasurement(image: try Self.image())
        let type = try #require(VCPUType.named("EPYC-v4"))
        #expect(throws: MeasureError(.option, "")) { try measurement.digest(vcpus: 0, type: type) }
        #expect(throws: MeasureError(.option, "")) { try measurement.digest(vcpus: 513, type: type) }
    }

    @Test("CPUID signatures of the QEMU models")
    func signatures() throws {
        #expect(try #require(VCPUType.named("EPYC")).signature == 0x800F12)
        #expect(try #require(VCPUType.named("EPYC-Milan")).signature == 0xA00F11)
        #expect(try #require(VCPUType.named("EPYC-Genoa")).signature == 0xA10F10)
        #expect(try #require(VCPUType.named("epyc-rome")).signature == 0x830F10)
    }

    @Test("the kernel hashes table: GUIDs, lengths and padding")
    func hashTable() {
        let table = SEVHashTable(kernel: [], initrd: nil, commandLine: nil).table
        #expect(table.count == 176)  // 18 + 3 × 50 = 168, padded to 176
        #expect(table[16] == 168 && table[17] == 0)
        #expect(FirmwareGUID(stored: table[0..<16])?.description == "9438d606-4f22-4cc9-b479-a793d411fd21")
        #expect(FirmwareGUID(stored: table[18..<34])?.description == "97d02dd8-bd20-4c94-aa78-e7714d36ab2a")
        #expect(FirmwareGUID(stored: table[68..<84])?.description == "44baf731-3a2f-4bd7-9af1-41e29169781d")
        #expect(FirmwareGUID(stored: table[118..<134])?.description == "4de79437-abd2-427f-b835-d5b172d2045b")
    }
}
