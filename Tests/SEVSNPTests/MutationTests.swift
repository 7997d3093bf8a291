import Foundation
import HermeticCore
import SEVSNP
import Testing
import TestSupport

@Suite("Changed and cut evidence")
struct MutationTests {
    static let binarySamples = RealSample.genuine.filter { !$0.evidence.hasSuffix(".json") }

    @Test("flipping any byte of the signed region is rejected", arguments: binarySamples)
    func everySignedByteFlipIsRejected(sample: RealSample) async throws {
        let verifier = SNPVerifier()
        let original = try SNPEvidence.parse(try sample.evidenceBytes()).reportBytes
        let options = try sample.options(policy: debugTolerantPolicy)
        _ = try await verifier.verify(try SNPEvidence.binary(original), options: options)
        var accepted: [Int] = []
        for offset in AttestationReport.signedRange {
            var bytes = original
            bytes[offset] ^= 0x01
            do {
                _ = try await verifier.verify(try SNPEvidence.binary(bytes), options: options)
                accepted.append(offset)
            } catch {}
        }
        #expect(accepted.isEmpty, "flips accepted at offsets \(accepted.map { String($0, radix: 16) })")
    }

    @Test("a changed measurement fails the signature check, named as the issue names it")
    func changedMeasurementFailsSignature() async throws {
        let sample = RealSample.genuine[0]
        var bytes = try sample.evidenceBytes()
        bytes[0x90] ^= 0x01
        let error = await #expect(throws: SNPError.self) {
            try await SNPVerifier().verify(try SNPEvidence.binary(bytes), options: try sample.options(policy: debugTolerantPolicy))
        }
        #expect(error?.code == .signature)
        #expect(error?.description == "snp: report signature does not verify with the VCEK of chip 3ac3fe21…")
    }

    @Test("flipping any byte of the signature field is rejected")
    func everySignatureByteFlipIsRejected() async throws {
        let sample = RealSample.genuine[2]
        let verifier = SNPVerifier()
        let original = try sample.evidenceBytes()
        let options = try sample.options()
        var accepted: [Int] = []
        for offset in AttestationReport.signedRange.upperBound..<AttestationReport.size {
            var bytes = original
            bytes[offset] ^= 0x80
            if (try? await verifier.verify(try SNPEvidence.binary(bytes), options: options)) != nil { accepted.append(offset) }
        }
        #expect(accepted.isEmpty, "flips accepted at offsets \(accepted.map { String($0, radix: 16) })")
    }

    @Test("a report cut at every length, or grown, is a clean format error")
    func truncatedReportsFailCleanly() throws {
        let original = try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin")
        for length in 0..<original.count {
            let error = #expect(throws: SNPError.self) { try SNPEvidence.parse(Array(original.prefix(length))) }
            #expect(error?.kind == .malformed)
        }
        let grown = #expect(throws: SNPError.self) { try SNPEvidence.parse(original + [0x01]) }
        #expect(grown?.code == .malformedReport)
        let padded = #expect(throws: SNPError.self) { try SNPEvidence.parse(original + [0, 0, 0, 0]) }
        #expect(padded?.code == .malformedReport)
    }

    @Test("Trustee JSON cut at every length is a clean format error")
    func truncatedJSONFailsCleanly() throws {
        let original = try Fixtures.bytes("snp/trustee-e2e-genoa-siena/evidence.json")
        for length in stride(from: 1, to: original.count, by: 7) {
            let error = #expect(throws: SNPError.self) { try SNPEvidence.parse(Array(original.prefix(length))) }
            #expect(error?.kind == .malformed)
        }
    }

    @Test("a non-zero reserved byte is a format error that names its offset")
    func reservedBytesMustBeZero() throws {
        var bytes = try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin")
        bytes[0x4D] = 0xCC
        let error = #expect(throws: SNPError.self) { try AttestationReport(bytes: bytes) }
        #expect(error?.description == "snp: reserved bytes [0x4c..0x50) are not zero (first at 0x4d: 00cc0000)")
    }

    @Test("versions outside 2...5 and reserved signing keys are format errors")
    func versionAndSignerFormat() throws {
        var bytes = try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin")
        bytes[0] = 6
        #expect(throws: SNPError.self) { try AttestationReport(bytes: bytes) }
        bytes[0] = 2
        bytes[0x48] = 2 << 2
        let error = #expect(throws: SNPError.self) { try AttestationReport(bytes: bytes) }
        #expect(error?.description.contains("reserved signing key 2") == true)
    }
}
