import Crypto
import Foundation
import HermeticCore
import PKI
import Testing
import TestSupport
@testable import TPM

@Suite("Hermetic's TPM client against a real swtpm, with tpm2_checkquote as the peer",
       .enabled(if: SwtpmHarness.available, "skipped: swtpm or tpm2_checkquote is missing (apt-get install swtpm swtpm-tools tpm2-tools; .ci/run installs them)"),
       .serialized, .timeLimit(.minutes(2)))
struct SwtpmIntegrationTests {
    @Test("power on, create AKs, extend PCR 16, quote a fresh nonce: Hermetic and tpm2_checkquote both accept; a wrong nonce or a changed PCR fails both",
          arguments: [KeyTemplate.akRSA, .akECC])
    func quoteFlow(template: KeyTemplate) throws {
        let swtpm = try SwtpmHarness()
        defer { swtpm.stop() }
        let transport = swtpm.transport
        try transport.powerOn()
        let client = TPMClient(transport: transport)
        try client.startup()
        let nonce = try client.getRandom(32)
        #expect(nonce.count == 32)

        let selection = try #require(PCRSelection(text: "sha256:0,16,23"))
        let before = try client.pcrRead(selection)
        let event = Array("hermetic swtpm integration \(UUID().uuidString)".utf8)
        let digest = Array(SHA256.hash(data: event))
        try client.pcrExtend(16, digests: [(.sha256, digest)])
        let after = try client.pcrRead(selection)
        let old16 = try #require(before[.sha256, 16])
        #expect(after[.sha256, 16] == Array(SHA256.hash(data: old16 + digest)), "PCR 16 = SHA-256(old || digest)")

        let ak = try client.createPrimary(template)
        defer { try? client.flushContext(ak.handle) }
        let readBack = try client.readPublic(ak.handle)
        #expect(readBack.publicArea == ak.publicArea)
        #expect(try ak.publicArea.name() == ak.name)

        let response = try client.quote(key: ak.handle, nonce: nonce, selection: selection)
        let evidence = TPMEvidence(quotes: [TPMQuote(attest: try Attest(bytes: response.attest), signature: response.signature, pcrs: after)])
        let key = try AttestationKey(publicArea: ak.publicArea)
        let verifier = TPMVerifier(trust: AKTrust(keys: [key]))
        let result = try verifier.verify(evidence, expectedNonce: .value(nonce), expectedInitData: .notProvided, at: Date())
        #expect(result.claims["pcr16"] == .string(Hex.encode(try #require(after[.sha256, 16]))))
        #expect(try swtpm.checkquote(evidence, ak: ak.publicArea, nonce: nonce), "tpm2_checkquote accepts the same quote")

        var wrongNonce = nonce
        wrongNonce[5] ^= 0x40
        #expect(throws: TPMError.self) {
            try verifier.verify(evidence, expectedNonce: .value(wrongNonce), expectedInitData: .notProvided, at: Date())
        }
        #expect(try !swtpm.checkquote(evidence, ak: ak.publicArea, nonce: wrongNonce), "tpm2_checkquote rejects the wrong nonce")

        var changed = after
        changed[.sha256, 16]?[0] ^= 0x01
        let tampered = TPMEvidence(quotes: [TPMQuote(attest: evidence.quotes[0].attest, signature: response.signature, pcrs: changed)])
        let error = try #require(throws: TPMError.self) {
            try verifier.verify(tampered, expectedNonce: .value(nonce), expectedInitData: .notProvided, at: Date())
        }
        #expect(error.code == .pcrDigest)
        #expect(try !swtpm.checkquote(tampered, ak: ak.publicArea, nonce: nonce), "tpm2_checkquote rejects the changed PCR")
    }

    /// A restricted signing AK template with a given scheme: RSA 2048 (RSASSA or RSAPSS) or ECC (P-256, P-384).
    static func akTemplate(rsa: Bool, scheme: TPMAlgorithm, hash: TPMAlgorithm, curve: UInt16 = PublicArea.curveP256) -> [UInt8] {
        var w = TPMWriter()
        w.u16(rsa ? TPMAlgorithm.rsa.rawValue : TPMAlgorithm.ecc.rawValue)
        w.u16(TPMAlgorithm.sha256.rawValue)
        w.u32(0x0005_0072)
        w.sized([])
        w.u16(TPMAlgorithm.null.rawValue)
        w.u16(scheme.rawValue)
        w.u16(hash.rawValue)
        if rsa {
            w.u16(2048)
            w.u32(0)
            w.sized([])
        } else {
            w.u16(curve)
            w.u16(TPMAlgorithm.null.rawValue)
            w.sized([])
            w.sized([])
        }
        return w.bytes
    }

    @Test("RSA-PSS, RSASSA with SHA-1 and ECDSA P-384 quotes from swtpm verify; a flipped signature byte does not",
          arguments: [("rsapss-sha256", true, TPMAlgorithm.rsapss, TPMAlgorithm.sha256, PublicArea.curveP256),
                      ("rsassa-sha1", true, .rsassa, .sha1, PublicArea.curveP256),
                      ("ecdsa-p384-sha384", false, .ecdsa, .sha384, PublicArea.curveP384)])
    func schemes(name: String, rsa: Bool, scheme: TPMAlgorithm, hash: TPMAlgorithm, curve: UInt16) throws {
        let swtpm = try SwtpmHarness()
        defer { swtpm.stop() }
        try swtpm.transport.powerOn()
        let client = TPMClient(transport: swtpm.transport)
        try client.startup()
        let ak = try client.createPrimary(publicArea: Self.akTemplate(rsa: rsa, scheme: scheme, hash: hash, curve: curve))
        defer { try? client.flushContext(ak.handle) }
        let nonce = try client.getRandom(32)
        let selection = try #require(PCRSelection(text: "sha256:0,16+sha1:16"))
        let response = try client.quote(key: ak.handle, nonce: nonce, selection: selection)
        #expect(response.signature.scheme == scheme && response.signature.hash == hash, "\(name)")
        let quote = TPMQuote(attest: try Attest(bytes: response.attest), signature: response.signature, pcrs: try client.pcrRead(selection))
        let verifier = TPMVerifier(trust: AKTrust(keys: [try AttestationKey(publicArea: ak.publicArea)]))
        _ = try verifier.verify(TPMEvidence(quotes: [quote]), expectedNonce: .value(nonce), expectedInitData: .notProvided, at: Date())
        var flipped = response.signature.marshaled
        flipped[flipped.count - 3] ^= 0x01
        let bad = TPMQuote(attest: quote.attest, signature: try Signature(bytes: flipped), pcrs: quote.pcrs)
        let error = try #require(throws: TPMError.self) {
            try verifier.verify(TPMEvidence(quotes: [bad]), expectedNonce: .value(nonce), expectedInitData: .notProvided, at: Date())
        }
        #expect(error.code == .quoteSignature)
    }

    @Test("the attester flow (TPMClient.attest) writes evidence hermetic verifies; multi-bank selections read in rounds")
    func attestFlow() throws {
        let swtpm = try SwtpmHarness()
        defer { swtpm.stop() }
        try swtpm.transport.powerOn()
        let client = TPMClient(transport: swtpm.transport)
        try client.startup()
        let nonce = try client.getRandom(16)
        let selection = try #require(PCRSelection(text: "sha256:0,1,2,3,4,5,6,7,8,9,16,23+sha1:0,16"))
        let evidence = try client.attest(ak: .akRSA, nonce: nonce, selection: selection)
        let parsed = try TPMEvidence.parse(Array(try evidence.hermeticJSON().serialized().utf8))
        let key = try #require(parsed.attestationKey)
        let result = try TPMVerifier(trust: AKTrust(keys: [key])).verify(parsed, expectedNonce: .value(nonce), expectedInitData: .notProvided, at: Date())
        #expect(result.claims["pcr09"] != nil)
        #expect(parsed.quotes[0].pcrs.values[.sha1]?.count == 2)
    }

    @Test("the EK from the TCG L-1 template equals the key in swtpm_setup's EK certificate, read with NV_ReadPublic and NV_Read",
          .enabled(if: SwtpmHarness.tool("swtpm_setup") != nil, "skipped: swtpm_setup (swtpm-tools) is missing"))
    func ekCertificates() throws {
        let swtpm = try SwtpmHarness(ekCertificates: true)
        defer { swtpm.stop() }
        try swtpm.transport.powerOn()
        let client = TPMClient(transport: swtpm.transport)
        try client.startup()
        // swtpm_setup's ECC EK is P-384 (0x01C00016, a high-range template); the RSA 2048 EK uses the L-1 template.
        for (index, template) in [(UInt32(0x01C0_0002), KeyTemplate.ekRSA)] {
            let nvPublic = try client.nvReadPublic(index)
            #expect(nvPublic.index == index)
            let der = try client.nvRead(index)
            #expect(der.count == nvPublic.dataSize)
            let certificate = try X509Certificate(derEncoded: der)
            let ek = try client.createPrimary(template)
            defer { try? client.flushContext(ek.handle) }
            let key = try AttestationKey(publicArea: ek.publicArea)
            #expect(certificate.subjectPublicKeyInfo.elementsEqual(key.spki), "EK certificate at 0x\(String(index, radix: 16)) names the template's EK")
        }
        let missing = try #require(throws: TPMError.self) { try client.nvReadPublic(0x01C0_0FFF) }
        #expect(missing.code == .command)
    }
}
