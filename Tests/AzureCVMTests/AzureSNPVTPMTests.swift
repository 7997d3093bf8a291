import Foundation
import HermeticCore
import SEVSNP
import Testing
import TestSupport
import TPM
@testable import AzureCVM

@Suite("Azure SEV-SNP confidential VM evidence (az-snp-vtpm)")
struct AzureSNPVTPMTests {
    static let time = Fixtures.time("2028-07-29T16:00:00Z")
    static let expected: [String: JSONValue] = {
        guard let data = try? Data(contentsOf: Fixtures.url("tpm/EXPECTED.json")),
              let json = try? JSONDecoder().decode(JSONValue.self, from: data) else { return [:] }
        return json.objectValue ?? [:]
    }()

    func verifier() throws -> AzureSNPVTPMVerifier { AzureSNPVTPMVerifier(trustStore: try AMDTrustStore.bundled()) }

    @Test("Trustee's evidence v0 and v1 verify: SNP chain and signature, runtime-data binding, vTPM quote with HCLAkPub",
          arguments: ["evidence-v0.json", "evidence-v1.json"])
    func genuine(file: String) async throws {
        let evidence = try AzureVTPMEvidence.parse(try Fixtures.bytes("az-snp-vtpm/\(file)"))
        #expect(evidence.hclReport.reportType == .snp)
        let fields = try #require(Self.expected["az-snp-vtpm/trustee [\(file)]"]?["fields"])
        let claims = try await verifier().verify(evidence, expectedReportData: .value(evidence.quote.attest.extraData), expectedInitData: .notProvided, at: Self.time)
        #expect(claims["measurement"] == fields["measurement"], "\(String(describing: claims["measurement"]))")
        #expect(claims["tpm"]?["pcr00"] != nil)
        #expect(claims["report_data"] == .string(Hex.encode(evidence.quote.attest.extraData)))
    }

    @Test("a changed PCR, a wrong nonce, a changed runtime JSON are rejected")
    func rejected() async throws {
        let evidence = try AzureVTPMEvidence.parse(try Fixtures.bytes("az-snp-vtpm/evidence-v1.json"))
        var pcrs = evidence.quote.pcrs
        pcrs[.sha256, 8]?[0] ^= 1
        let changed = AzureVTPMEvidence(hclReport: evidence.hclReport, quote: TPMQuote(attest: evidence.quote.attest, signature: evidence.quote.signature, pcrs: pcrs),
                                        vcek: evidence.vcek, tdQuote: nil)
        let error = try await #require(throws: TPMError.self) {
            try await verifier().verify(changed, expectedReportData: .notProvided, expectedInitData: .notProvided, at: Self.time)
        }
        #expect(error.code == .pcrDigest)
        let nonce = try await #require(throws: TPMError.self) {
            try await verifier().verify(evidence, expectedReportData: .value([1, 2, 3]), expectedInitData: .notProvided, at: Self.time)
        }
        #expect(nonce.code == .reportData)
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(try Fixtures.bytes("az-snp-vtpm/evidence-v1.json")))
        var hcl = try #require(document["hcl_report"]?.stringValue.flatMap(Base64.decode))
        hcl[0x4D4 + 40] ^= 0x01
        let rebound = AzureVTPMEvidence(hclReport: try HCLReport(bytes: hcl), quote: evidence.quote, vcek: evidence.vcek, tdQuote: nil)
        let binding = try await #require(throws: TPMError.self) {
            try await verifier().verify(rebound, expectedReportData: .notProvided, expectedInitData: .notProvided, at: Self.time)
        }
        #expect(binding.code == .reportData)
        #expect(binding.message.contains("runtime data"))
        #expect(throws: TPMError.self) { try HCLReport(bytes: Array(hcl.prefix(1000))) }
        var json = try Fixtures.bytes("az-snp-vtpm/evidence-v1.json")
        #expect(throws: (any Error).self) { try AzureVTPMEvidence.parse(Array(json.prefix(100))) }
        json = Array(String(decoding: json, as: UTF8.self).replacingOccurrences(of: "\"hcl_report\"", with: "\"x\"").utf8)
        #expect(throws: TPMError.self) { try AzureVTPMEvidence.parse(json) }
    }
}
