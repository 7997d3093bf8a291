import Crypto
import Foundation
import HermeticCore
import Testing
import TestSupport

/// `hermetic rv add|list|get|delete --kbs URL --admin-key KEY` against a `hermetic serve` process.
@Suite("hermetic rv --kbs: reference values through the broker's admin API")
struct ReferenceValueBrokerCommandTests {
    @Test("signed documents, RVPS messages and single values go through the broker; expiry and provenance come back; refusals exit 1")
    func throughTheBroker() throws {
        let files = try ServeFiles()
        let directory = files.directory
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let tenant = P256.Signing.PrivateKey()
        try Data(tenant.pemRepresentation.utf8).write(to: URL(fileURLWithPath: path("tenant.pem")))
        try Data(tenant.publicKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: path("tenant.pub")))
        try Data(files.adminPrivateKeyPEM.utf8).write(to: URL(fileURLWithPath: path("admin.pem")))
        let server = try ServeProcess(["--store", "sqlite:" + path("kbs.sqlite"), "--rv-signer-key", path("tenant.pub")] + files.arguments)
        defer { server.stop() }
        let broker = ["--kbs", server.url.absoluteString, "--admin-key", path("admin.pem")]

        let sign = try CLIRun.hermetic(["rv", "sign", "--key", path("tenant.pem"), "--issuer", "pipeline", "--id", "snp_bootloader", "--value", "[10]",
                                        "--id", "snp_microcode", "--value", "[84]", "--expires", "2030-01-01T00:00:00Z", "--inputs", "{\"vcpus\":4}"])
        #expect(sign.status == 0, "\(sign.stderr)")
        try Data(sign.stdout.utf8).write(to: URL(fileURLWithPath: path("signed.json")))
        let added = try CLIRun.hermetic(["rv", "add", "--signed", path("signed.json")] + broker)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "added snp_bootloader (expires 2030-01-01T00:00:00Z)\nadded snp_microcode (expires 2030-01-01T00:00:00Z)\n")

        let rvps = try CLIRun.hermetic(["rv", "add", "--rvps", Fixtures.url("rv/rvps-readme-sample.json").path] + broker)
        #expect(rvps.status == 0, "\(rvps.stderr)")
        #expect(rvps.stdout.contains("added test-binary-1 (expires "))
        let single = try CLIRun.hermetic(["rv", "add", "--id", "snp_launch_measurement", "--value", "[\"aa\"]"] + broker)
        #expect(single.status == 0, "\(single.stderr)")
        let lossy = try CLIRun.hermetic(["rv", "add", "--id", "x", "--value", "1", "--expires", "2030-01-01T00:00:00Z"] + broker)
        #expect(lossy.status == 2)
        #expect(lossy.stderr.contains("rv sign"))

        let list = try CLIRun.hermetic(["rv", "list", "--at", "2031-01-01T00:00:00Z"] + broker)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("snp_bootloader\tEXPIRED\texpires 2030-01-01T00:00:00Z\tsigned by pipeline (key sha256:"), "\(list.stdout)")
        let now = try CLIRun.hermetic(["rv", "list"] + broker)
        #expect(now.stdout.contains("snp_bootloader\tvalid"))
        #expect(now.stdout.contains("snp_launch_measurement\tvalid\texpires "))
        #expect(now.stdout.contains("\trvps-sample by admin"))

        let get = try CLIRun.hermetic(["rv", "get", "snp_microcode"] + broker)
        #expect(get.status == 0, "\(get.stderr)")
        let value = try JSONValue(parsing: Array(get.stdout.utf8))
        #expect(value["value"] == .array([.int(84)]))
        #expect(value["expires"] == .string("2030-01-01T00:00:00Z"))
        #expect(value["provenance"]?["source"] == .string("signed"))
        #expect(value["provenance"]?["inputs"] == .object(["vcpus": .int(4)]))

        // Signed by a key the broker was not given: refused (exit 1), nothing added.
        let stranger = P256.Signing.PrivateKey()
        try Data(stranger.pemRepresentation.utf8).write(to: URL(fileURLWithPath: path("stranger.pem")))
        let forged = try CLIRun.hermetic(["rv", "sign", "--key", path("stranger.pem"), "--issuer", "x", "--id", "snp_tee_svn", "--value", "[0]"])
        try Data(forged.stdout.utf8).write(to: URL(fileURLWithPath: path("forged.json")))
        let refused = try CLIRun.hermetic(["rv", "add", "--signed", path("forged.json")] + broker)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("does not verify"), "\(refused.stderr)")
        #expect(try CLIRun.hermetic(["rv", "get", "snp_tee_svn"] + broker).status == 2)

        #expect(try CLIRun.hermetic(["rv", "delete", "snp_microcode"] + broker).status == 0)
        let gone = try CLIRun.hermetic(["rv", "delete", "snp_microcode"] + broker)
        #expect(gone.status == 2)
        #expect(gone.stderr.contains("no reference value snp_microcode"))

        // An admin key the broker does not know: refused (exit 1).
        try Data(Curve25519.Signing.PrivateKey().pemRepresentation.utf8).write(to: URL(fileURLWithPath: path("other-admin.pem")))
        let unknown = try CLIRun.hermetic(["rv", "list", "--kbs", server.url.absoluteString, "--admin-key", path("other-admin.pem")])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("AdminAuthAccess"))
        #expect(try CLIRun.hermetic(["rv", "list", "--kbs", server.url.absoluteString]).status == 2)
        let query = try CLIRun.hermetic(["rv", "get", "a?b"] + broker)
        #expect(query.status == 2)
        #expect(query.stderr.contains("cannot go into a URL path"))
    }
}
