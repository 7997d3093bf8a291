import HermeticCore
import Testing
import TestSupport
@testable import Measure

/// TDX MRTD of Debian's OVMF.fd (ovmf 2022.11-6+deb12u2), whose TDVF metadata tools-here.md reports (6 sections).
/// No TDX peer runs here; the fixed values were computed by a separate Python script written from the TDX module
/// ABI's PAGE.ADD/MR.EXTEND block layout (hashlib; kept outside the repository), and the structure is checked
/// section by section.
@Suite("TDX MRTD")
struct TDXMeasurementTests {
    static func measurement() throws -> TDXMeasurement {
        try TDXMeasurement(image: try FirmwareImage(bytes: try Fixtures.bytes("ovmf/OVMF.fd")))
    }

    @Test("the six TDVF sections of Debian's OVMF: BFV measured, CFV, TD HOB and temporary memory added only")
    func sections() throws {
        let sections = try Self.measurement().metadata.sections
        #expect(sections.map(\.type) == [.bfv, .cfv, .tempMemory, .tempMemory, .tdHOB, .tempMemory])
        #expect(sections.map(\.memoryAddress) == [0xFFE2_0000, 0xFFE0_0000, 0x81_0000, 0x80_B000, 0x80_9000, 0x80_0000])
        #expect(sections.map(\.extendsMR) == [true, false, false, false, false, false])
        #expect(sections[0].dataOffset == 0x20000 && sections[0].memoryDataSize == 0x1E_0000)
        #expect(!sections.contains { $0.pageAugmented })
    }

    @Test("MRTD for single-pass and two-pass hosts")
    func mrtd() throws {
        let measurement = try Self.measurement()
        #expect(Hex.encode(measurement.mrtd(order: .singlePass))
                == "4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057fb887fed0744d5631a212967fb231c47")
        #expect(Hex.encode(measurement.mrtd(order: .twoPass))
                == "acccbcc870a381adab0d3919d90a7f268ac3b0364771f202ed4bb4e892d045b33db3b32e6924cba830a724eed443f7e1")
    }

    @Test("the extension blocks: operation name, zeros, GPA at byte 16")
    func blocks() {
        let block = TDXMeasurement.block("MEM.PAGE.ADD", gpa: 0xFFE2_0000)
        #expect(block.count == 128)
        #expect(Array(block[0..<12]) == Array("MEM.PAGE.ADD".utf8))
        #expect(Array(block[12..<16]) == [0, 0, 0, 0])
        #expect(Array(block[16..<24]) == [0x00, 0x00, 0xE2, 0xFF, 0, 0, 0, 0])
        #expect(block[24...].allSatisfy { $0 == 0 })
    }

    @Test("one changed byte of measured firmware changes MRTD; a byte of an unmeasured section does not")
    func sensitivity() throws {
        let original = try Self.measurement().mrtd()
        var bytes = try Fixtures.bytes("ovmf/OVMF.fd")
        bytes[0x20000 + 100] ^= 0x01  // inside the BFV (MR_EXTEND)
        #expect(try TDXMeasurement(image: try FirmwareImage(bytes: bytes)).mrtd() != original)
        var cfv = try Fixtures.bytes("ovmf/OVMF.fd")
        cfv[100] ^= 0x01  // inside the CFV (added, not extended)
        #expect(try TDXMeasurement(image: try FirmwareImage(bytes: cfv)).mrtd() == original)
    }

    @Test("a firmware without TDVF metadata, or with a broken descriptor, is refused")
    func refusals() throws {
        var bytes = try Fixtures.bytes("ovmf/OVMF.fd")
        bytes[bytes.count - 32 - 1] ^= 0xFF
        #expect(throws: MeasureError(.tdvfMetadata, "")) { try TDXMeasurement(image: try FirmwareImage(bytes: bytes)) }
        var broken = try Fixtures.bytes("ovmf/OVMF.fd")
        let image = try FirmwareImage(bytes: broken)
        let entry = try #require(image.entry(.tdvfMetadata))
        let offset = Int(ByteReader.uint32(entry, at: entry.endIndex - 4))
        broken[broken.count - offset] = UInt8(ascii: "X")
        #expect(throws: MeasureError(.tdvfMetadata, "")) { try TDXMeasurement(image: try FirmwareImage(bytes: broken)) }
    }
}
