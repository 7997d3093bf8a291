import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HermeticCore
import Testing
import TestSupport

@Suite("hermetic kbs: a guest on the development SNP chip, against hermetic serve")
struct FakeSNPGuestTests {
    @Test("attest and get-resource --tee fake-snp: fresh reports verified up to the chip's roots given as --snp-collateral; refused without them")
    func fakeSNPGuest() async throws {
        let files = try ServeFiles()
        let chip = files.directory.appendingPathComponent("chip").path
        let store = "sqlite:" + files.directory.appendingPathComponent("kbs.sqlite").path
        let adminKey = files.directory.appendingPathComponent("admin.pem").path
        try Data(files.adminPrivateKeyPEM.utf8).write(to: URL(fileURLWithPath: adminKey))
        let secret = files.directory.appendingPathComponent("secret").path
        try Data("fake-snp-secret".utf8).write(to: URL(fileURLWithPath: secret))

        // A broker with only AMD's roots: the chip (created by this first use) is not trusted.
        let unknownExecutor = try CLIRun.hermetic(["serve", "--executor", "threads"] + files.arguments)
        #expect(unknownExecutor.status == 2 && unknownExecutor.stderr.contains("--executor"), "\(unknownExecutor.stderr)")
        let untrusting = try ServeProcess(["--store", store] + files.arguments)
        let refused = try CLIRun.hermetic(["kbs", "--url", untrusting.url.absoluteString, "attest", "--tee", "fake-snp", "--fake-snp-chip", chip])
        untrusting.stop()
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("snp evidence rejected"), "\(refused.stderr)")
        let roots = URL(fileURLWithPath: chip).appendingPathComponent(FakeSNPChip.rootsFileName).path
        #expect(FileManager.default.fileExists(atPath: roots))

        // Told to trust the chip's roots, the broker verifies each fresh report and releases the secret. This one runs its
        // tasks on NIO's event loops (`--executor nio`); the other brokers here on Swift's default pool.
        let server = try ServeProcess(["--store", store, "--snp-collateral", roots, "--executor", "nio"] + files.arguments)
        defer { server.stop() }
        let url = server.url.absoluteString
        let stored = try CLIRun.hermetic(["kbs", "--url", url, "--admin-private-key", adminKey, "set-resource", "--path", "default/key/1", "--file", secret])
        #expect(stored.status == 0, "\(stored.stderr)")
        let attested = try CLIRun.hermetic(["kbs", "--url", url, "attest", "--tee", "fake-snp", "--fake-snp-chip", chip])
        #expect(attested.status == 0, "\(attested.stderr)")
        #expect(attested.stdout.split(separator: ".").count == 3)
        let fetched = try CLIRun.hermetic(["kbs", "--url", url, "get-resource", "--tee", "fake-snp", "--fake-snp-chip", chip, "--path", "default/key/1", "--key-type", "p521"])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout == "fake-snp-secret")

        // A chip directory that is not a chip is bad input, named.
        let broken = files.directory.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: broken.appendingPathComponent(FakeSNPChip.fileName))
        let bad = try CLIRun.hermetic(["kbs", "--url", url, "attest", "--tee", "fake-snp", "--fake-snp-chip", broken.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("product is missing"), "\(bad.stderr)")
    }

    @Test("serve --tdx-collateral: TDX sessions are accepted only when Intel collateral is given")
    func tdxCollateral() async throws {
        let files = try ServeFiles()
        func auth(_ server: ServeProcess) async throws -> (Int, String) {
            var request = URLRequest(url: server.url.appendingPathComponent("kbs/v0/auth"))
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"version":"0.4.0","tee":"tdx","extra-params":""}"#.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let without = try ServeProcess(["--store", "sqlite:" + files.directory.appendingPathComponent("a.sqlite").path] + files.arguments)
        let refused = try await auth(without)
        without.stop()
        #expect(refused.0 == 401)
        #expect(refused.1.contains("tdx: no verifier"), "\(refused.1)")
        let with = try ServeProcess(["--store", "sqlite:" + files.directory.appendingPathComponent("b.sqlite").path,
                                     "--tdx-collateral", Fixtures.url("tdx/_collateral-tinfoil-2026").path] + files.arguments)
        defer { with.stop() }
        let accepted = try await auth(with)
        #expect(accepted.0 == 200, "\(accepted.1)")
        #expect(accepted.1.contains("nonce"))
    }
}
