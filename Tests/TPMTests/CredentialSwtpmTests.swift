import Foundation
import HermeticCore
import PKI
import Testing
import TestSupport
@testable import TPM

@Suite("MakeCredential in software, ActivateCredential in a real swtpm; tpm2_makecredential as the peer",
       .enabled(if: SwtpmHarness.available, "skipped: swtpm or tpm2-tools is missing (apt-get install swtpm swtpm-tools tpm2-tools; .ci/run installs them)"),
       .serialized, .timeLimit(.minutes(2)))
struct CredentialSwtpmTests {
    static func started(ekCertificates: Bool = false) throws -> (SwtpmHarness, TPMClient) {
        let swtpm = try SwtpmHarness(ekCertificates: ekCertificates)
        try swtpm.transport.powerOn()
        let client = TPMClient(transport: swtpm.transport)
        try client.startup()
        return (swtpm, client)
    }

    @Test("our MakeCredential for the EK (RSA L-1, ECC L-2) and the AK's name: swtpm's ActivateCredential returns the secret",
          arguments: [(KeyTemplate.ekRSA, KeyTemplate.akRSA), (.ekECC, .akECC), (.ekECC, .akRSA)])
    func activation(ek: KeyTemplate, ak: KeyTemplate) throws {
        let (swtpm, client) = try Self.started()
        defer { swtpm.stop() }
        let activation = try CredentialActivation(client: client, ek: ek, ak: ak)
        defer { activation.flush() }
        #expect(activation.ekCertificate == nil, "a TPM without swtpm_setup has no EK certificate")
        for length in [1, 16, 32] {
            let secret = SecureRandom.bytes(length)
            let credential = try MakeCredential.protect(secret, for: activation.ak.name, ek: activation.ek.publicArea)
            #expect(try activation.activate(credential) == secret)
        }
    }

    @Test("a credential for another AK's name, another TPM's EK, or with a changed byte is refused by the TPM; its session is flushed")
    func refusals() throws {
        let (swtpm, client) = try Self.started()
        defer { swtpm.stop() }
        let activation = try CredentialActivation(client: client)
        defer { activation.flush() }
        let secret = SecureRandom.bytes(32)

        let other = try client.createPrimary(publicArea: SwtpmIntegrationTests.akTemplate(rsa: false, scheme: .ecdsa, hash: .sha384, curve: PublicArea.curveP384))
        let forOther = try MakeCredential.protect(secret, for: other.name, ek: activation.ek.publicArea)
        try client.flushContext(other.handle)
        #expect(throws: TPMError.self) { try activation.activate(forOther) }

        let (otherTPM, otherClient) = try Self.started()
        defer { otherTPM.stop() }
        let otherEK = try otherClient.createPrimary(.ekRSA)
        #expect(otherEK.publicArea != activation.ek.publicArea, "two TPMs, two endorsement seeds")
        #expect(throws: TPMError.self) { try activation.activate(try MakeCredential.protect(secret, for: activation.ak.name, ek: otherEK.publicArea)) }

        let good = try MakeCredential.protect(secret, for: activation.ak.name, ek: activation.ek.publicArea)
        for index in [0, 5, good.credentialBlob.count - 1] {
            var blob = good.credentialBlob
            blob[index] ^= 0x01
            #expect(throws: TPMError.self) { try activation.activate(EncryptedCredential(credentialBlob: blob, secret: good.secret)) }
        }
        var seed = good.secret
        seed[100] ^= 0x01
        #expect(throws: TPMError.self) { try activation.activate(EncryptedCredential(credentialBlob: good.credentialBlob, secret: seed)) }
        // The failed activations left no session behind: many more still fit (swtpm holds 3 loaded sessions).
        for _ in 0..<4 { #expect(try activation.activate(good) == secret) }
    }

    @Test("tpm2_makecredential --tcti none (the peer) protects a secret our ActivateCredential recovers")
    func peerMakeCredential() throws {
        let (swtpm, client) = try Self.started()
        defer { swtpm.stop() }
        let activation = try CredentialActivation(client: client)
        defer { activation.flush() }
        let stem = swtpm.directory.appendingPathComponent("peer").path
        let secret = SecureRandom.bytes(24)
        try Data(activation.ek.publicArea.sizedBytes).write(to: URL(fileURLWithPath: stem + ".ek.pub"))
        try Data(secret).write(to: URL(fileURLWithPath: stem + ".secret"))
        let result = try SwtpmHarness.run(SwtpmHarness.tool("tpm2_makecredential") ?? "tpm2_makecredential", [
            "--tcti", "none", "-e", stem + ".ek.pub", "-s", stem + ".secret", "-n", Hex.encode(activation.ak.name), "-o", stem + ".cred",
        ])
        #expect(result.status == 0, "\(result.output)")
        let credential = try EncryptedCredential(tpm2ToolsFile: [UInt8](try Data(contentsOf: URL(fileURLWithPath: stem + ".cred"))))
        #expect(try activation.activate(credential) == secret)
    }

    @Test("the other way: our MakeCredential's blob, written as tpm2-tools' credential file, is activated by tpm2_activatecredential")
    func peerActivateCredential() throws {
        let swtpm = try SwtpmHarness()
        defer { swtpm.stop() }
        let ek: TPMClient.LoadedKey
        let ak: TPMClient.LoadedKey
        do {
            let transport = swtpm.transport
            try transport.powerOn()
            let client = TPMClient(transport: transport)
            try client.startup()
            ek = try client.createPrimary(.ekRSA)
            ak = try client.createPrimary(.akECC)
        }  // our connection closes; both keys stay loaded for tpm2-tools
        let stem = swtpm.directory.appendingPathComponent("peer").path
        let secret = SecureRandom.bytes(32)
        try Data(try MakeCredential.protect(secret, for: ak.name, ek: ek.publicArea).tpm2ToolsFile).write(to: URL(fileURLWithPath: stem + ".cred"))
        let tcti = ["--tcti", "swtpm:host=127.0.0.1,port=\(swtpm.port)"]
        func tool(_ name: String, _ arguments: [String]) throws {
            let result = try SwtpmHarness.run(SwtpmHarness.tool(name) ?? name, arguments + tcti)
            #expect(result.status == 0, "\(name): \(result.output)")
        }
        try tool("tpm2_startauthsession", ["--policy-session", "-S", stem + ".session"])
        try tool("tpm2_policysecret", ["-S", stem + ".session", "-c", "e"])
        try tool("tpm2_activatecredential", ["-c", "0x" + String(ak.handle, radix: 16), "-C", "0x" + String(ek.handle, radix: 16),
                                             "-i", stem + ".cred", "-o", stem + ".out", "-P", "session:" + stem + ".session"])
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: stem + ".out"))) == secret)
    }

    @Test("swtpm_setup's EK certificate, read from NV 0x01C00002, chains to swtpm-localca's root and names the EK the L-1 template derives",
          .enabled(if: SwtpmHarness.tool("swtpm_setup") != nil, "skipped: swtpm_setup (swtpm-tools) is missing"))
    func ekCertificate() throws {
        let (swtpm, client) = try Self.started(ekCertificates: true)
        defer { swtpm.stop() }
        let activation = try CredentialActivation(client: client)
        defer { activation.flush() }
        let der = try #require(activation.ekCertificate)
        let certificate = try EKCertificate(bytes: der)
        let roots = try AKTrust.certificates(in: [UInt8](try Data(contentsOf: swtpm.localCA.root)))
        let intermediates = try AKTrust.certificates(in: [UInt8](try Data(contentsOf: swtpm.localCA.intermediate)))
        try certificate.verify(roots: roots, intermediates: intermediates, at: Date())
        #expect(certificate.certifies(activation.ek.publicArea))
        #expect(!certificate.certifies(activation.ak.publicArea))
        #expect(certificate.tpmModel == "swtpm")
        let secret = SecureRandom.bytes(32)
        #expect(try activation.activate(try MakeCredential.protect(secret, for: activation.ak.name, ek: activation.ek.publicArea)) == secret)
    }
}

@Suite("tpm2_quote -f plain and the qualified signer against a real swtpm",
       .enabled(if: SwtpmHarness.available && SwtpmHarness.tool("tpm2_quote") != nil, "skipped: swtpm or tpm2-tools is missing (.ci/run installs them)"),
       .serialized, .timeLimit(.minutes(2)))
struct PlainQuoteSwtpmTests {
    @Test("tpm2_quote -f plain by an AK we created (primary, endorsement or owner hierarchy) verifies; the qualified signer names the hierarchy",
          arguments: [(TPMClient.endorsementHierarchy, KeyTemplate.akRSA), (TPMClient.ownerHierarchy, .akECC)])
    func plainQuote(hierarchy: UInt32, template: KeyTemplate) throws {
        let swtpm = try SwtpmHarness()
        defer { swtpm.stop() }
        let ak: TPMClient.LoadedKey
        do {
            let transport = swtpm.transport
            try transport.powerOn()
            let client = TPMClient(transport: transport)
            try client.startup()
            ak = try client.createPrimary(template, hierarchy: hierarchy)
        }  // our connection closes here; the AK stays loaded for tpm2-tools
        let stem = swtpm.directory.appendingPathComponent("plain").path
        let nonce = SecureRandom.bytes(32)
        let tool = SwtpmHarness.tool("tpm2_quote") ?? "tpm2_quote"
        let result = try SwtpmHarness.run(tool, [
            "--tcti", "swtpm:host=127.0.0.1,port=\(swtpm.port)", "-c", "0x" + String(ak.handle, radix: 16), "-l", "sha256:0,16", "-q", Hex.encode(nonce),
            "-m", stem + ".msg", "-s", stem + ".sig", "-f", "plain", "-o", stem + ".pcrs", "-g", "sha256",
        ])
        #expect(result.status == 0, "\(result.output)")
        func read(_ suffix: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: stem + suffix))) }
        let key = try AttestationKey(publicArea: ak.publicArea)
        let evidence = try TPMEvidence.tpm2Tools(message: try read(".msg"), signature: try read(".sig"), pcrs: try read(".pcrs"), key: key)
        _ = try TPMVerifier(trust: AKTrust(keys: [key])).verify(evidence, expectedNonce: .value(nonce), expectedInitData: .notProvided, at: Date())
        #expect(evidence.quotes[0].attest.qualifiedSigner == (try QualifiedName.primary(ak.publicArea, hierarchy: hierarchy)))
        var wrong = nonce
        wrong[0] ^= 1
        #expect(throws: TPMError.self) {
            try TPMVerifier(trust: AKTrust(keys: [key])).verify(evidence, expectedNonce: .value(wrong), expectedInitData: .notProvided, at: Date())
        }
    }
}
