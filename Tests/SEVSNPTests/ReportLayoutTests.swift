import Foundation
import HermeticCore
import SEVSNP
import Testing
import TestSupport

@Suite("Report layout")
struct ReportLayoutTests {
    @Test("parsing then encoding gives back every real report byte for byte", arguments: [
        "snp/gosevguest-milan-vcek/attestation.bin", "snp/trustee-milan-vcek/test-report.bin", "snp/trustee-vlek/test-vlek-report.bin",
        "snp/trustee-e2e-genoa-siena/report.reconstructed.bin", "snp/oak-genoa-v5/report.bin", "snp/tinfoil-genoa-no-vcek/report.bin",
    ])
    func roundTrip(path: String) throws {
        let bytes = try Fixtures.bytes(path)
        #expect(try AttestationReport(bytes: bytes).encoded() == bytes)
    }

    @Test("the hex form reads as the binary it spells")
    func hexEvidence() throws {
        let text = try Fixtures.bytes("snp/virtee-milan-vcek/report_milan.hex")
        let evidence = try SNPEvidence.parse(text)
        #expect(evidence.reportBytes == Hex.decode(String(decoding: text, as: UTF8.self)))
    }

    @Test("Trustee's current JSON layout rebuilds the exact binary report")
    func currentJSONLayoutRebuildsExactly() throws {
        let evidence = try SNPEvidence.parse(try Fixtures.bytes("snp/trustee-e2e-genoa-siena/evidence.json"))
        #expect(evidence.reportBytes == (try Fixtures.bytes("snp/trustee-e2e-genoa-siena/report.reconstructed.bin")))
        #expect(evidence.certificates.map(\.kind) == [.vcek])
        #expect(evidence.certificates.first?.der == (try Fixtures.bytes("snp/trustee-e2e-genoa-siena/vcek.der")))
    }

    @Test("Trustee's older JSON layout rebuilds the exact binary report")
    func olderJSONLayoutRebuildsExactly() throws {
        let evidence = try SNPEvidence.parse(try Fixtures.bytes("snp/trustee-e2e-milan-old-layout/evidence.json"))
        #expect(evidence.reportBytes == (try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin")))
    }

    @Test("an unknown field in the JSON report is refused")
    func unknownJSONField() throws {
        var text = String(decoding: try Fixtures.bytes("snp/trustee-e2e-genoa-siena/evidence.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"vmpl\":0", with: "\"vmpl\":0,\"extra\":1")
        let error = #expect(throws: SNPError.self) { try SNPEvidence.parse(Array(text.utf8)) }
        #expect(error?.description == "snp: attestation_report has unknown field \"extra\"")
    }

    @Test("TCB layouts: Milan/Genoa and Turin", arguments: [
        (UInt64(0x0A00_0000_0000_1719), TCBVersion.Layout.milanGenoa, TCBVersion.Components(bootloader: 0x19, tee: 0x17, snp: 0, microcode: 0x0A)),
        (UInt64(0x0900_0000_0403_0201), TCBVersion.Layout.turin, TCBVersion.Components(fmc: 1, bootloader: 2, tee: 3, snp: 4, microcode: 9)),
    ])
    func tcbLayouts(raw: UInt64, layout: TCBVersion.Layout, components: TCBVersion.Components) {
        let tcb = TCBVersion(rawValue: raw)
        #expect(tcb.components(layout) == components)
        #expect(TCBVersion(components, layout: layout) == tcb)
    }

    @Test("products from CPUID and from certificate names")
    func products() {
        #expect(SNPProduct(family: 0x19, model: 0x01) == .milan)
        #expect(SNPProduct(family: 0x19, model: 0x11) == .genoa)
        #expect(SNPProduct(family: 0x19, model: 0xA0) == .genoa)
        #expect(SNPProduct(family: 0x1A, model: 0x02) == .turin)
        #expect(SNPProduct(family: 0x17, model: 0x31) == nil)
        #expect(SNPProduct(productName: "Milan-B0") == .milan)
        #expect(SNPProduct(productName: "Turin") == .turin)
        #expect(SNPProduct(productName: "Naples") == nil)
    }
}
