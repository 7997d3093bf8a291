import HermeticCore
import Testing
import TestSupport
@testable import Measure

/// Bad firmware never crashes the calculators: every metadata byte and pointer is mutated, and each result is either
/// a digest or a typed ``MeasureError``.
@Suite("Malformed firmware")
struct MalformedFirmwareTests {
    @Test("random bytes in the GUID table, the SEV metadata and the TDVF descriptor: digests or typed errors")
    func mutations() throws {
        let original = try Fixtures.bytes("ovmf/OVMF.fd")
        let image = try FirmwareImage(bytes: original)
        let sevStart = original.count - Int(try #require(image.entryUInt32(.sevMetadata)))
        let tdvfEntry = try #require(image.entry(.tdvfMetadata))
        let tdvfStart = original.count - Int(ByteReader.uint32(tdvfEntry, at: tdvfEntry.endIndex - 4))
        // The table and footer (last 200 bytes), the SEV block (16 + 5 × 12), the TDVF descriptor (16 + 6 × 32).
        let regions = [(original.count - 200)..<original.count, sevStart..<(sevStart + 76), tdvfStart..<(tdvfStart + 208)]
        var generator = SeededRandom(seed: 7)
        var outcomes = (digests: 0, errors: 0)
        let type = try #require(VCPUType.named("EPYC-v4"))
        for round in 0..<40 {
            var bytes = original
            for _ in 0..<(1 + round % 4) {
                let region = regions[Int.random(in: 0..<regions.count, using: &generator)]
                bytes[Int.random(in: region, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                let mutated = try FirmwareImage(bytes: bytes)
                _ = try SNPMeasurement(image: mutated).digest(vcpus: 2, type: type)
                outcomes.digests += 1
            } catch {
                outcomes.errors += 1
            }
            do {
                _ = try TDXMeasurement(image: try FirmwareImage(bytes: bytes)).mrtd()
                outcomes.digests += 1
            } catch {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.digests + outcomes.errors == 80)
        #expect(outcomes.errors > 0)
    }

    @Test("truncated images: a digest of what is there or a typed error, never a crash", arguments: [4096, 8192, 65536, 1 << 20])
    func truncated(size: Int) throws {
        let bytes = Array(try Fixtures.bytes("ovmf/OVMF.fd").suffix(size))
        let image = try FirmwareImage(bytes: bytes)
        // The metadata sits in the last 4 KiB, so every suffix still describes a launch; the firmware pages differ,
        // and so does the digest.
        let full = try SNPMeasurement(image: try FirmwareImage(bytes: try Fixtures.bytes("ovmf/OVMF.fd"))).prefix.value
        do {
            #expect(try SNPMeasurement(image: image).prefix.value != full)
        } catch {
            #expect(error.code == .sevMetadata || error.code == .resetBlock)
        }
        do {
            _ = try TDXMeasurement(image: image).mrtd()
            Issue.record("a \(size)-byte suffix cannot hold the TDVF sections' measured data")
        } catch {
            #expect(error.code == .tdvfMetadata)
        }
    }
}
