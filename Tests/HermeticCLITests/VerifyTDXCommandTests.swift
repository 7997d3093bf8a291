import Foundation
import HermeticCore
import Testing
import TestSupport

@Suite("hermetic verify --tee tdx|sgx")
struct VerifyTDXCommandTests {
    let tinfoil = Fixtures.url("tdx/_collateral-tinfoil-2026").path
    let quoteV5 = Fixtures.url("tdx/gotdxguest-quote-v5/quote_v5_sample.dat").path

    @Test("a genuine TDX quote prints Trustee-named claims with its TCB status and exits 0")
    func accepted() throws {
        let run = try CLIRun.hermetic(["verify", "--tee", "tdx", "--evidence", quoteV5, "--collateral", tinfoil, "--at", "2026-02-04T03:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let claims = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(claims["tcb_status"] == .string("UpToDate"))
        #expect(claims["quote"]?["header"]?["version"] == .string("0500"))
        #expect(claims["quote"]?["body"]?["mr_td"]?.stringValue?.hasPrefix("7348651a34b2d2d3") == true)
        #expect(claims["td_attributes"]?["debug"] == .bool(false))
    }

    @Test("dcap-qvl collateral JSON and an SGX quote; the status needs a policy that accepts it")
    func sgx() throws {
        let quote = Fixtures.url("sgx/dcapqvl-sgx/sgx_quote").path
        let collateral = Fixtures.url("sgx/dcapqvl-sgx/sgx_quote_collateral.json").path
        let refused = try CLIRun.hermetic(["verify", "--tee", "sgx", "--evidence", quote, "--collateral", collateral, "--at", "2025-07-04T10:00:00Z"])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("sgx: TCB status ConfigurationAndSWHardeningNeeded"))
        let policy = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-dcap-policy-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: policy) }
        try Data("accepted_tcb_statuses: [UpToDate, ConfigurationAndSWHardeningNeeded]\n".utf8).write(to: policy)
        let run = try CLIRun.hermetic(["verify", "--tee", "sgx", "--evidence", quote, "--collateral", collateral, "--at", "2025-07-04T10:00:00Z",
                                       "--policy", policy.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let verdict = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(verdict["devices"]?.arrayValue?.first?["claims"]?["body"]?["mr_enclave"]?.stringValue?.hasPrefix("33d8736db756ed49") == true)
    }

    @Test("rejections exit 1 naming the check; --expect-mrconfigid binds init data", arguments: [
        (["--evidence", "tdx/trustee/tdx_quote_5.dat", "--at", "2026-01-27T15:00:00Z"], "tcb_level"),
        (["--evidence", "tdx/trustee/tdx_quote_6.dat", "--at", "2026-01-27T16:00:00Z"], "tcb_status"),
        (["--evidence", "tdx/gotdxguest-quote-v5/quote_v5_sample.dat", "--at", "2026-02-04T03:00:00Z", "--expect-mrconfigid", "01"], "init_data"),
        (["--evidence", "tdx/gotdxguest-quote-v5/quote_v5_sample.dat", "--at", "2026-03-04T03:00:00Z"], "collateral_expired"),
    ])
    func rejected(arguments: [String], check: String) throws {
        var all = ["verify", "--tee", "tdx", "--collateral", tinfoil, "--json"] + arguments
        if let index = all.firstIndex(of: "--evidence") { all[index + 1] = Fixtures.url(all[index + 1]).path }
        let run = try CLIRun.hermetic(all)
        #expect(run.status == 1, "\(run.stdout)")
        let verdict = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(verdict["error"]?["check"] == .string(check))
    }

    @Test("bad input exits 2, missing collateral 3")
    func inputAndCollateral() throws {
        let bad = try CLIRun.hermetic(["verify", "--tee", "tdx", "--evidence", Fixtures.url("tdx/EXPECTED.json").path, "--collateral", tinfoil])
        #expect(bad.status == 2)
        let wrongTEE = try CLIRun.hermetic(["verify", "--tee", "sgx", "--evidence", quoteV5, "--collateral", tinfoil])
        #expect(wrongTEE.status == 2)
        #expect(wrongTEE.stderr.hasPrefix("sgx: the evidence is a TDX quote"))
        let missing = try CLIRun.hermetic(["verify", "--tee", "tdx", "--evidence", Fixtures.url("tdx/gotdxguest-cos113-ccel/cos-113-tdx-quote.dat").path,
                                           "--collateral", tinfoil, "--at", "2026-01-27T16:00:00Z"])
        #expect(missing.status == 3)
        #expect(missing.stderr == "tdx: no TDX TCB info for FMSPC 00806f050000 in the collateral\n")
    }
}
