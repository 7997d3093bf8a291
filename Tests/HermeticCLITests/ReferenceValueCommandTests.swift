import Crypto
import Foundation
import HermeticCore
import Testing
import TestSupport

/// `hermetic initdata`, `measure snp`, `rv …` and `appraise`, run as a user runs them.
@Suite("hermetic initdata, measure, rv, appraise")
struct ReferenceValueCommandTests {
    let initData = Fixtures.url("initdata/init-data-with-policy.toml").path
    let ovmf = Fixtures.url("ovmf/OVMF.fd").path
    let genoa = Fixtures.url("snp/trustee-e2e-genoa-siena/evidence.json").path
    let policy = Fixtures.url("rego/policies/trustee/attestation-service/src/ear_token/ear_default_policy_cpu.rego").path

    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-cli-\(UUID().uuidString)-\(name)").path
    }

    @Test("initdata digest prints the digest and each platform's binding; --json too; a bad file exits 2")
    func initDataDigest() throws {
        let run = try CLIRun.hermetic(["initdata", "digest", initData])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("digest:         0deccded0d87ec44702c7330fac3eb936b68dcca5c9f6b5df1fb3480c0b525ac"))
        #expect(run.stdout.contains("tpm PCR8:       1c625622a76bb04c5989f8b8c3e8ff0412e580004c93ef42961486d49a7b4fcb"))
        let json = try CLIRun.hermetic(["initdata", "digest", initData, "--json"])
        let object = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
        #expect(object["tdx_mr_config_id"] == .string("0deccded0d87ec44702c7330fac3eb936b68dcca5c9f6b5df1fb3480c0b525ac" + String(repeating: "0", count: 32)))
        let bad = try CLIRun.hermetic(["initdata", "digest", ovmf])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("init-data"))
    }

    @Test("verify --expect-host-data takes an init-data file: the sample's zero HOST_DATA does not carry its digest")
    func expectHostDataFile() throws {
        let zero = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", genoa, "--at", "2028-11-26T05:00:00Z",
                                        "--expect-host-data", String(repeating: "00", count: 32)])
        #expect(zero.status == 0, "\(zero.stderr)")
        let run = try CLIRun.hermetic(["verify", "--tee", "snp", "--evidence", genoa, "--at", "2028-11-26T05:00:00Z", "--expect-host-data", initData])
        #expect(run.status == 1)
        #expect(run.stderr.contains("HOST_DATA"))
        #expect(run.stderr.contains("0deccded"))
    }

    @Test("measure snp prints sev-snp-measure's digest; refuses --kernel without a kernel-hashes section and unknown types")
    func measureSNP() throws {
        let run = try CLIRun.hermetic(["measure", "snp", "--ovmf", ovmf, "--vcpus", "4", "--vcpu-type", "EPYC-v4"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "32ac9d7a17d28f7cd4404a4516d2f00519668c40ada2062351c36767e908eb3f090d66c33ab10f80150e00a4385b6d0f\n")
        let json = try CLIRun.hermetic(["measure", "snp", "--ovmf", ovmf, "--vcpus", "1", "--vcpu-type", "EPYC-Milan", "--json"])
        let object = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
        #expect(object["measurement"] == .string("80479ca85a2b182c026f6a3a2f2b180ab968d84b17540dd30de39039e70b8c0c33ead2cae6d34e37750035fcff60bfc8"))
        #expect(object["vcpu_signature"] == .string("0xa00f11"))
        let kernel = try CLIRun.hermetic(["measure", "snp", "--ovmf", ovmf, "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--kernel", initData])
        #expect(kernel.status == 2)
        #expect(kernel.stdout.isEmpty)
        #expect(kernel.stderr.contains("SNP_KERNEL_HASHES"))
        let unknown = try CLIRun.hermetic(["measure", "snp", "--ovmf", ovmf, "--vcpus", "1", "--vcpu-type", "Pentium"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("EPYC-Genoa"))
        let notFirmware = try CLIRun.hermetic(["measure", "snp", "--ovmf", initData, "--vcpus", "1", "--vcpu-type", "EPYC"])
        #expect(notFirmware.status == 2)
        #expect(notFirmware.stderr.hasPrefix("measure:"))
    }

    @Test("measure tdx prints MRTD for both host page orders and says RTMRs are not predicted; no TDVF metadata exits 2")
    func measureTDX() throws {
        let run = try CLIRun.hermetic(["measure", "tdx", "--ovmf", ovmf, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONDecoder().decode(JSONValue.self, from: Data(run.stdout.utf8))
        #expect(object["mrtd"] == .string("4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057fb887fed0744d5631a212967fb231c47"))
        #expect(object["reference_value_id"] == .string("mr_td"))
        #expect(object["rtmr"]?.stringValue?.hasPrefix("not predicted") == true)
        let bad = try CLIRun.hermetic(["measure", "tdx", "--ovmf", initData])
        #expect(bad.status == 2)
    }

    @Test("rv add (RVPS message, one value, signed document), list, get, delete against a store file")
    func rvCommands() throws {
        let store = temporary("store.json")
        let keyFile = temporary("key.pem")
        let publicFile = temporary("pub.pem")
        let signedFile = temporary("signed.json")
        defer { for path in [store, keyFile, publicFile, signedFile] { try? FileManager.default.removeItem(atPath: path) } }
        let added = try CLIRun.hermetic(["rv", "add", "--store", store, "--rvps", Fixtures.url("rv/rvps-readme-sample.json").path,
                                         "--at", "2026-11-21T00:00:00Z"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added test-binary-1 (expires 2027-11-21T00:00:00Z)"))
        let one = try CLIRun.hermetic(["rv", "add", "--store", store, "--id", "snp_launch_measurement", "--value", "[\"aa\"]",
                                       "--expires", "2026-12-01T00:00:00Z", "--issuer", "ops", "--inputs", "{\"vcpus\":4}"])
        #expect(one.status == 0, "\(one.stderr)")
        let list = try CLIRun.hermetic(["rv", "list", "--store", store, "--at", "2026-12-02T00:00:00Z"])
        #expect(list.stdout.contains("snp_launch_measurement\tEXPIRED\texpires 2026-12-01T00:00:00Z\tmanual by ops"))
        #expect(list.stdout.contains("test-binary-1\tvalid"))
        let get = try CLIRun.hermetic(["rv", "get", "--store", store, "snp_launch_measurement"])
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(get.stdout.utf8))
        #expect(value["value"] == .array([.string("aa")]))
        #expect(value["provenance"]?["inputs"] == .object(["vcpus": .int(4)]))
        #expect(try CLIRun.hermetic(["rv", "get", "--store", store, "nothing"]).status == 2)
        #expect(try CLIRun.hermetic(["rv", "delete", "--store", store, "test-binary-2"]).status == 0)
        #expect(try CLIRun.hermetic(["rv", "delete", "--store", store, "test-binary-2"]).status == 2)

        // A tenant key signs; only that key is accepted.
        let key = P256.Signing.PrivateKey()
        try Data(key.pemRepresentation.utf8).write(to: URL(fileURLWithPath: keyFile))
        try Data(key.publicKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: publicFile))
        let sign = try CLIRun.hermetic(["rv", "sign", "--key", keyFile, "--issuer", "pipeline", "--id", "snp_bootloader", "--value", "[10]",
                                        "--expires", "2030-01-01T00:00:00Z"])
        #expect(sign.status == 0, "\(sign.stderr)")
        try Data(sign.stdout.utf8).write(to: URL(fileURLWithPath: signedFile))
        let signed = try CLIRun.hermetic(["rv", "add", "--store", store, "--signed", signedFile, "--key", publicFile])
        #expect(signed.status == 0, "\(signed.stderr)")
        let otherKey = temporary("other.pem")
        defer { try? FileManager.default.removeItem(atPath: otherKey) }
        try Data(P256.Signing.PrivateKey().publicKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: otherKey))
        let refused = try CLIRun.hermetic(["rv", "add", "--store", store, "--signed", signedFile, "--key", otherKey])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("does not verify"))
        let provenance = try JSONDecoder().decode(JSONValue.self, from: Data(try CLIRun.hermetic(["rv", "get", "--store", store, "snp_bootloader"]).stdout.utf8))
        #expect(provenance["provenance"]?["source"] == .string("signed"))
    }

    @Test("appraise: affirming with matching values (exit 0); a changed measurement is named with both values (exit 1)")
    func appraise() throws {
        let store = temporary("appraise.json")
        defer { try? FileManager.default.removeItem(atPath: store) }
        let add = try CLIRun.hermetic(["rv", "add", "--store", store, "--rvps", Fixtures.url("rv/trustee-e2e-genoa-siena-rvps.json").path,
                                       "--at", "2028-01-01T00:00:00Z"])
        #expect(add.status == 0, "\(add.stderr)")
        let arguments = ["appraise", "--tee", "snp", "--evidence", genoa, "--policy", policy, "--rv", store, "--at", "2028-11-26T05:00:00Z"]
        let run = try CLIRun.hermetic(arguments)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("status: affirming"))
        #expect(run.stdout.contains("match    snp_launch_measurement: claim measurement"))
        let other = String(repeating: "cd", count: 48)
        _ = try CLIRun.hermetic(["rv", "add", "--store", store, "--id", "snp_launch_measurement", "--value", "[\"\(other)\"]"])
        let denied = try CLIRun.hermetic(arguments + ["--json"])
        #expect(denied.status == 1)
        let explanation = try JSONDecoder().decode(JSONValue.self, from: Data(denied.stdout.utf8))
        let check = explanation["checks"]?.arrayValue?.first { $0["id"] == .string("snp_launch_measurement") }
        #expect(check?["claim"] == .string("measurement"))
        #expect(check?["matched"] == .bool(false))
        #expect(check?["reference_value"] == .array([.string(other)]))
        #expect(check?["claim_value"]?.stringValue?.hasPrefix("6a6519d757e68c2e") == true)
        #expect(explanation["denials"]?.arrayValue?.first?["file"] == .string("ear_default_policy_cpu.rego"))
    }
}
