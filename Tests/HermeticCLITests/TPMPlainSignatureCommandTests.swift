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
