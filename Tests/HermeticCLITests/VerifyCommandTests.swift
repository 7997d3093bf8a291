import Foundation
import HermeticCore
import Testing
import TestSupport

/// Runs the built `hermetic` executable, as a user does.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String

    static func hermetic(_ arguments: [String]) throws -> CLIRun {
        let process = Process()
        process.executableURL = Fixtures.productsDirectory.appendingPathComponent("hermetic")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("hermetic verify")
struct VerifyCommandTests {
    let report = Fixtures.url("snp/trustee-milan-vcek/test-report.bin").path
    let vcek = Fixtures.url("snp/trustee-milan-vcek/test-vcek.der").path

    @Test("a genuine report prints its claims as JSON and exits 0")
    func accepted() throws {
        let run = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", report, "--collateral", vcek, "--at", "2026-07-26T05:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let claims = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(claims["measurement"]?.stringValue?.hasPrefix("a1f3930413247bb3") == true)
        #expect(claims["reported_tcb_microcode"] == .int(115))
    }

    @Test("a failed check exits 1 with one line naming it")
    func rejected() throws {
        let run = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", report, "--collateral", vcek, "--at", "2026-07-26T05:00:00Z",
                                       "--expect-report-data", "00"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("snp: REPORT_DATA ec6c52d7"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test("--json puts the verdict and the error in one object")
    func jsonVerdict() throws {
        let run = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", report, "--collateral", vcek, "--at", "2031-01-01T00:00:00Z", "--json"])
        #expect(run.status == 1)
        let verdict = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(verdict["verdict"] == .string("rejected"))
        #expect(verdict["error"]?["check"] == .string("certificate_validity"))
        let ok = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", report, "--collateral", vcek, "--at", "2026-07-26T05:00:00Z", "--json"])
        let accepted = try JSONDecoder().decode(JSONValue.self, from: Data(ok.stdout.utf8))
        #expect(accepted["verdict"] == .string("accepted"))
        #expect(accepted["devices"]?.arrayValue?.first?["class"] == .string("cpu"))
    }

    @Test("unreadable input and bad usage exit 2", arguments: [
        ["verify", "--tee", "snp", "--evidence", "/nonexistent"],
        ["verify", "--tee", "snp", "--evidence", Fixtures.url("snp/EXPECTED.json").path],
        ["verify", "--tee", "snp", "--evidence", Fixtures.url("snp/trustee-milan-vcek/test-vcek.der").path],
        ["verify", "--tee", "nonsense", "--evidence", "x"],
        ["verify", "--tee", "snp"],
        ["verify", "--tee", "snp", "--evidence", "x", "--at", "yesterday"],
        ["verify", "--tee", "snp", "--evidence", "x", "--expect-report-data", "xyz"],
        ["frobnicate"],
    ])
    func badInput(arguments: [String]) throws {
        let run = try CLIRun.hermetic(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }

    @Test("missing collateral exits 3")
    func collateralUnavailable() throws {
        let run = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", Fixtures.url("snp/tinfoil-genoa-no-vcek/report.bin").path])
        #expect(run.status == 3)
        #expect(run.stderr.hasPrefix("snp: no VCEK for chip 1af1aa6c"))
    }

    @Test("the sample TEE needs --allow-sample")
    func sample() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-sample-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"svn":"1","report_data":"AQI="}"#.utf8).write(to: file)
        let refused = try CLIRun.hermetic(["verify", "--tee", "sample", "--evidence", file.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--allow-sample"))
        let allowed = try CLIRun.hermetic(["verify", "--tee", "sample", "--evidence", file.path, "--allow-sample", "--expect-report-data", "0102"])
        #expect(allowed.status == 0)
    }

    @Test("a policy file is applied")
    func policyFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-policy-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("minimum_tcb: {snp: 9}\n".utf8).write(to: file)
        let run = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", report, "--collateral", vcek, "--at", "2026-07-26T05:00:00Z", "--policy", file.path])
        #expect(run.status == 1)
        #expect(run.stderr == "snp: policy: reported_tcb_snp is 8, allowed >= 9\n")
    }
}
