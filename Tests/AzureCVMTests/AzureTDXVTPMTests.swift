import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import AzureCVM
@testable import TPM

@Suite("Azure TDX confidential VM evidence (az-tdx-vtpm): TD quote signatures and PCK chain, TDREPORT, runtime binding, vTPM quote")
struct AzureTDXVTPMTests {
    static func bytes(_ name: String) throws -> [UInt8] { try Fixtures.bytes("az-tdx-vtpm/\(name)") }
    static let time = Fixtures.time("2026-11-21T00:00:00Z")
    static let nonce = Array("challenge".utf8)

    @Test("Trustee's evidence JSON v0 and v1 verify; the TCB level is reported as not appraised with the FMSPC", arguments: ["evidence-v0.json", "evidence-v1.json"])
    func genuine(file: String) throws {
        let evidence = try AzureVTPMEvidence.parse(try Self.bytes(file))
        let claims = try AzureTDXVTPMVerifier().verify(evidence, expectedReportData: .notProvided, expectedInitData: .notProvided, at: Self.time)
        #expect(claims["quote"]?["body"]?["mr_td"]?.stringValue?.hasPrefix("024a32b070383331") == true)
        #expect(claims["quote"]?["body"]?["rtmr_0"]?.stringValue == String(repeating: "0", count: 96))
        #expect(claims["tcb_status"] == .string("NotAppraised"))
        #expect(claims["tcb_status_reason"]?.stringValue?.contains("00806f050000") == true)
        #expect(claims["tpm"]?["pcr00"] != nil)
        #expect(claims["runtime_data"]?["keys"] != nil)
    }

    @Test("a changed TD quote byte, a TDREPORT that differs from the quote body, runtime data that is not bound, and an SNP verifier's input are refused")
    func tampered() throws {
        let evidence = try AzureVTPMEvidence.parse(try Self.bytes("evidence-v1.json"))
        let verifier = try AzureTDXVTPMVerifier()
        let quote = try #require(evidence.tdQuote)
        // A byte of MRTD in the quote body (header 48 + tee_tcb_svn 16 + mrseam 48 + mrsignerseam 48 + attributes 8 + td attributes 8 + xfam 8).
        var body = quote
        body[48 + 16 + 48 + 48 + 8 + 8 + 8 + 3] ^= 0x01
        #expect(throws: (any Error).self) {
            try verifier.verify(AzureVTPMEvidence(hclReport: evidence.hclReport, quote: evidence.quote, vcek: nil, tdQuote: body),
                                expectedReportData: .notProvided, expectedInitData: .notProvided, at: Self.time)
        }
        let report = try Self.bytes("hcl-report.bin")
        for (offset, expected) in [(0x20 + 512 + 16 + 5, "mr_td"), (0x20 + 128 + 40, "report_data")] {
            var changed = report
            changed[offset] ^= 0x01
            let error = try #require(throws: TPMError.self) {
                try verifier.verify(AzureVTPMEvidence(hclReport: try HCLReport(bytes: changed), quote: evidence.quote, vcek: nil, tdQuote: quote),
                                    expectedReportData: .notProvided, expectedInitData: .notProvided, at: Self.time)
            }
            #expect(error.code == .reportData && error.message.contains(expected), "\(error)")
        }
        var runtime = report
        runtime[0x4D4 + 10] ^= 0x01
        let unbound = try #require(throws: TPMError.self) {
            try verifier.verify(AzureVTPMEvidence(hclReport: try HCLReport(bytes: runtime), quote: evidence.quote, vcek: nil, tdQuote: quote),
                                expectedReportData: .notProvided, expectedInitData: .notProvided, at: Self.time)
        }
        #expect(unbound.code == .reportData && unbound.prefix == "az-tdx-vtpm")
        let snp = try AzureVTPMEvidence.parse(try Fixtures.bytes("az-snp-vtpm/evidence-v1.json"))
        #expect(throws: TPMError.self) { try verifier.verify(snp, expectedReportData: .notProvided, expectedInitData: .notProvided, at: Self.time) }
    }
}
