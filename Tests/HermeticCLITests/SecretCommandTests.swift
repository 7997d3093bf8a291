import Crypto
import Foundation
import KBSClient
import Testing

@Suite("hermetic secret seal")
struct SecretCommandTests {
    @Test("seals a vault secret that verifies with the written JWK and names the resource; bad input exits 2")
    func seal() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = P256.Signing.PrivateKey()
        let pem = directory.appendingPathComponent("key.pem"), jwk = directory.appendingPathComponent("key.jwk")
        try Data(key.pemRepresentation.utf8).write(to: pem)
        let run = try CLIRun.hermetic(["secret", "seal", "--resource", "kbs:///default/db/password", "--key-id", "kbs:///default/sealing/1",
                                       "--signing-key", pem.path, "--public-jwk-out", jwk.path])
        #expect(run.status == 0, "\(run.stderr)")
        let sealed = try SealedSecret(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(sealed.content == .vault(try ResourceURI("kbs:///default/db/password")))
        #expect(sealed.keyID == "kbs:///default/sealing/1")
        try sealed.verify(publicJWK: [UInt8](try Data(contentsOf: jwk)))
        #expect(throws: SealedSecretError.self, "another key's JWK does not verify it") {
            try sealed.verify(publicJWK: SealedSecret.publicJWK(P256.Signing.PrivateKey().publicKey))
        }

        let badURI = try CLIRun.hermetic(["secret", "seal", "--resource", "default/db/password", "--key-id", "kbs:///default/sealing/1", "--signing-key", pem.path])
        #expect(badURI.status == 2 && badURI.stderr.contains("kbs:///"), "\(badURI.stderr)")
        let badKey = try CLIRun.hermetic(["secret", "seal", "--resource", "kbs:///default/db/password", "--key-id", "kbs:///default/sealing/1", "--signing-key", jwk.path])
        #expect(badKey.status == 2 && badKey.stderr.contains("P-256"), "\(badKey.stderr)")
    }
}
