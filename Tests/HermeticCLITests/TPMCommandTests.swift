import Foundation
import HermeticCore
import Testing
import TestSupport

@Suite("hermetic verify --tee tpm and hermetic eventlog")
struct TPMCommandTests {
    let sample = Fixtures.url("tpm/swtpm-sample").path
    let at = "2026-11-21T00:00:00Z"

    @Test("tpm2-tools quote files with the AK verify, binding the nonce; the tampered PCR file exits 1 naming pcr_digest")
    func tpm2Tools() throws {
        let nonce = try String(contentsOfFile: sample + "/nonce.hex", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", sample + "/quote_rsa.msg", "--collateral", sample + "/ak_rsa.tss.pub",
                                       "--collateral", sample + "/ek.pub", "--expect-report-data", nonce, "--at", at])
        #expect(run.status == 0, "\(run.stderr)")
        let claims = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(claims["pcr16"] == .string("101c727beedba9b572b93dbecea2a603745abcf6e339f9a42e46cb58784a7b21"))
        #expect(claims["report_data"] == .string(nonce))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-tpm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (source, target) in [("quote_ecc.msg", "q.msg"), ("quote_ecc.sig", "q.sig"), ("negative_tampered_pcr16.pcrs", "q.pcrs")] {
            try FileManager.default.copyItem(atPath: sample + "/" + source, toPath: directory.appendingPathComponent(target).path)
        }
        let tampered = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", directory.appendingPathComponent("q.msg").path,
                                            "--collateral", sample + "/ak_ecc.pem", "--json"])
        #expect(tampered.status == 1)
        let verdict = try JSONDecoder().decode(JSONValue.self, from: Data(tampered.stdout.utf8))
        #expect(verdict["error"]?["check"] == .string("pcr_digest"))
        let wrongNonce = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", sample + "/quote_ecc.msg", "--collateral", sample + "/ak_ecc.pem",
                                              "--expect-report-data", "00", "--json"])
        #expect(wrongNonce.status == 1)
    }

    @Test("go-tpm-tools evidence with its AK certificate chained to Google's root, and its event log replayed")
    func gce() throws {
        let certs = Fixtures.url("tpm/_gcp-ca-certs").path
        let run = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", Fixtures.url("tpm/gotpmtools-gce-cos-85/gce-cos-85-nonce9009.pb").path,
                                       "--collateral", certs + "/tpm_ek_intermediate_2.crt", "--root", certs + "/tpm_ek_root_1.cer",
                                       "--expect-report-data", "9009", "--at", at])
        #expect(run.status == 0, "\(run.stderr)")
        let claims = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(claims["ak_certificate"]?["subject"] == .string(""))
        #expect(claims["eventlog"]?["replayed_pcrs"]?["sha384"]?.arrayValue?.count == 10)
        let noTrust = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", Fixtures.url("tpm/gotpmtools-gce-cos-85/gce-cos-85-nonce9009.pb").path])
        #expect(noTrust.status == 3, "\(noTrust.stderr)")
        let garbage = try CLIRun.hermetic(["verify", "--tee", "tpm", "--evidence", Fixtures.url("tpm/EXPECTED.json").path, "--collateral", sample + "/ak_ecc.pem"])
        #expect(garbage.status == 2)
    }

    @Test("eventlog replay --pcrs matches (exit 0) and reports the first differing PCR (exit 1); show --json lists every event")
    func eventlog() throws {
        let directory = Fixtures.url("eventlog/gotpmtools-rhel8-uefi").path
        let run = try CLIRun.hermetic(["eventlog", "replay", directory + "/rhel8-uefi.bin", "--pcrs", directory + "/expected_pcrs.json", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(result["match"] == .bool(true))
        #expect(result["compared"] == .int(22))
        let other = Fixtures.url("eventlog/gotpmtools-glinux-alex/expected_pcrs.json").path
        let differs = try CLIRun.hermetic(["eventlog", "replay", directory + "/rhel8-uefi.bin", "--pcrs", other])
        #expect(differs.status == 1)
        #expect(differs.stderr.contains("first sha1:0"), "\(differs.stderr)")
        let show = try CLIRun.hermetic(["eventlog", "show", Fixtures.url("eventlog/goattestation-option-rom/option_rom_eventlog").path, "--json"])
        #expect(show.status == 0)
        let events = try JSONDecoder().decode(JSONValue.self, from: Data(show.stdout.utf8))["events"]?.arrayValue
        #expect(events?.count == 61)
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: truncated) }
        try Data(try Fixtures.bytes("eventlog/gotpmtools-debian-10/debian-10.bin").prefix(30)).write(to: truncated)
        let bad = try CLIRun.hermetic(["eventlog", "show", truncated.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("eventlog: "))
    }
}

@Suite("hermetic verify --tee az-snp-vtpm")
struct AzureSNPVTPMCommandTests {
    @Test("the raw HCL report with quote.bin and vcek.pem, and Trustee's evidence v1, verify; a wrong nonce exits 1")
    func azure() throws {
        let raw = try CLIRun.hermetic(["verify", "--tee", "az-snp-vtpm", "--evidence", Fixtures.url("az-snp-vtpm/raw/hcl-report.bin").path,
                                       "--at", "2026-11-01T09:00:00Z", "--expect-report-data", Hex.encode(Array("challenge".utf8))])
        #expect(raw.status == 0, "\(raw.stderr)")
        let claims = try JSONDecoder().decode(JSONValue.self, from: Data(raw.stdout.utf8))
        #expect(claims["measurement"]?.stringValue?.hasPrefix("9ac48fcac8a2d88a") == true)
        #expect(claims["tpm"]?["pcr23"] != nil)
        let v1 = try CLIRun.hermetic(["verify", "--tee", "az-snp-vtpm", "--evidence", Fixtures.url("az-snp-vtpm/evidence-v1.json").path,
                                      "--at", "2028-07-29T16:00:00Z"])
        #expect(v1.status == 0, "\(v1.stderr)")
        let wrong = try CLIRun.hermetic(["verify", "--tee", "az-snp-vtpm", "--evidence", Fixtures.url("az-snp-vtpm/evidence-v1.json").path,
                                         "--at", "2028-07-29T16:00:00Z", "--expect-report-data", "00ff", "--json"])
        #expect(wrong.status == 1)
        let verdict = try JSONDecoder().decode(JSONValue.self, from: Data(wrong.stdout.utf8))
        #expect(verdict["error"]?["check"] == .string("report_data"))
    }
}
