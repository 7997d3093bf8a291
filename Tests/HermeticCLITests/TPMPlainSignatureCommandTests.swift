import Foundation
import HermeticCore
import Testing
import TestSupport

@Suite("hermetic verify --tee tpm with tpm2_quote -f plain signatures")
struct TPMPlainSignatureCommandTests {
    let sample = Fixtures.url("tpm/swtpm-sample").path

    @Test("plain RSASSA (AK as TPM2B_PUBLIC with its EK parent) and DER ECDSA (AK as SPKI) verify; without the AK it is bad input")
    func plain() throws {
        let nonce = try String(contentsOfFile: sample + "/nonce.hex", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let rsa = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", sample + "/quote_rsa_plain.msg", "--collateral", sample + "/ak_rsa.tss.pub",
                                       "--collateral", sample + "/ek.pub", "--expect-report-data", nonce, "--at", "2026-11-21T00:00:00Z"])
        #expect(rsa.status == 0, "\(rsa.stderr)")
        let ecc = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", sample + "/quote_ecc_plain.msg", "--collateral", sample + "/ak_ecc.pem",
                                       "--expect-report-data", nonce, "--at", "2026-11-21T00:00:00Z"])
        #expect(ecc.status == 0, "\(ecc.stderr)")
        let noParent = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", sample + "/quote_rsa_plain.msg", "--collateral", sample + "/ak_rsa.tss.pub",
                                            "--json", "--at", "2026-11-21T00:00:00Z"])
        #expect(noParent.status == 1)
        #expect(noParent.stdout.contains("qualified_signer"))
    }
}

@Suite("hermetic verify --tee az-tdx-vtpm")
struct AzureTDXVTPMCommandTests {
    @Test("Trustee's az-tdx-vtpm evidence verifies with the TCB level reported as not appraised; a tampered copy exits 1")
    func azureTDX() throws {
        let path = Fixtures.url("az-tdx-vtpm/evidence-v1.json").path
        let run = try CLIRun.hermetic(["verify", "--tee", "az-tdx-vtpm", "--evidence", path, "--at", "2026-11-21T00:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let claims = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(claims["tcb_status"] == .string("NotAppraised"))
        // The raw files (hcl-report.bin with quote.bin and td-quote.bin beside it) give the same TD claims.
        let raw = try CLIRun.hermetic(["verify", "--tee", "az-tdx-vtpm", "--evidence", Fixtures.url("az-tdx-vtpm/hcl-report.bin").path, "--at", "2026-11-21T00:00:00Z"])
        #expect(raw.status == 0, "\(raw.stderr)")
        let rawClaims = try JSONDecoder().decode(JSONValue.self, from: Data(raw.stdout.utf8))
        #expect(rawClaims["quote"] == claims["quote"])
        let json = try #require(try JSONValue(parsing: try Fixtures.bytes("az-tdx-vtpm/evidence-v1.json")).objectValue)
        var changed = json
        // The runtime JSON inside the HCL report changes: report_data no longer binds it.
        let report = try #require(json["hcl_report"]?.stringValue.flatMap(Base64.decode))
        var altered = report
        altered[0x4D4 + 20] ^= 0x01
        changed["hcl_report"] = .string(Base64.encode(altered))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("az-tdx-\(UUID().uuidString).json")
        try JSONValue.object(changed).serialized().write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let tampered = try CLIRun.hermetic(["verify", "--tee", "az-tdx-vtpm", "--evidence", file.path, "--at", "2026-11-21T00:00:00Z", "--json"])
        #expect(tampered.status == 1, "\(tampered.stdout) \(tampered.stderr)")
    }
}
