import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import TPM

@Suite("TPM quotes: the genuine samples verify as EXPECTED.json says")
struct QuoteVerificationTests {
    @Test("swtpm quotes (ECDSA P-256 and RSASSA) verify with the AK as SPKI PEM and as TPM2B_PUBLIC, binding the nonce",
          arguments: [("quote_ecc", "ak_ecc"), ("quote_rsa", "ak_rsa")])
    func swtpmQuotes(quote: String, ak: String) throws {
        let nonce = try TPMSamples.nonce()
        // The AKs were made with tpm2_createak under the EK: their qualified name needs the EK's public area.
        let ek = try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ek.pub"))
        for keyFile in ["swtpm-sample/\(ak).pem", "swtpm-sample/\(ak).tss.pub"] {
            let verifier = TPMVerifier(trust: AKTrust(keys: [try TPMSamples.key(keyFile)], parents: [ek]))
            let result = try verifier.verify(try TPMSamples.swtpm(quote), expectedNonce: .value(nonce), expectedInitData: .notProvided, at: TPMSamples.time)
            #expect(result.claims["pcr16"] == .string("101c727beedba9b572b93dbecea2a603745abcf6e339f9a42e46cb58784a7b21"))
            #expect(result.claims["pcr23"] == .string("93bcd6f9b2bdd92292ee1187302fcb9c23d9340a2c2996c85c173512bd1ab342"))
            #expect(result.claims["pcr00"] == .string(String(repeating: "0", count: 64)))
            #expect(result.claims["report_data"] == .string(Hex.encode(nonce)))
            #expect(result.claims["pcr01"] == nil, "only quoted PCRs become claims")
        }
    }

    @Test("the AK's TPM2B_PUBLIC and its SPKI PEM are the same key; its name matches tpm2-tools' .name file")
    func keyForms() throws {
        for ak in ["ak_ecc", "ak_rsa"] {
            let pem = try TPMSamples.key("swtpm-sample/\(ak).pem")
            let tss = try TPMSamples.key("swtpm-sample/\(ak).tss.pub")
            #expect(pem == tss)
            let area = try #require(tss.publicArea)
            #expect(try area.name() == (try TPMSamples.bytes("swtpm-sample/\(ak).name")))
            #expect(area.isRestricted && area.isSigning && area.isFixedTPM)
        }
    }

    @Test("the EK-certificate TPM's quote (sha256:0,16) verifies with its ECC AK")
    func ekcertChainQuote() throws {
        let evidence = try TPMEvidence.tpm2Tools(
            message: try TPMSamples.bytes("swtpm-sample/ekcert-chain/quote.msg"),
            signature: try TPMSamples.bytes("swtpm-sample/ekcert-chain/quote.sig"),
            pcrs: try TPMSamples.bytes("swtpm-sample/ekcert-chain/quote.pcrs")
        )
        let verifier = TPMVerifier(trust: AKTrust(keys: [try TPMSamples.key("swtpm-sample/ekcert-chain/ak.pem")]))
        let result = try verifier.verify(evidence, expectedNonce: .value(try TPMSamples.nonce()), expectedInitData: .notProvided, at: TPMSamples.time)
        #expect(result.claims["pcr16"] == .string("101c727beedba9b572b93dbecea2a603745abcf6e339f9a42e46cb58784a7b21"))
    }

    @Test("go-tpm-tools GCE COS 85: AK certificate (empty subject) chains to Google's root; SHA-1/256/384 bank quotes verify",
          arguments: [("gce-cos-85-no-nonce.pb", ""), ("gce-cos-85-nonce9009.pb", "9009")])
    func gce(file: String, nonce: String) throws {
        let evidence = try TPMEvidence.parse(try TPMSamples.bytes("gotpmtools-gce-cos-85/\(file)"))
        #expect(evidence.quotes.count == 3)
        #expect(evidence.quotes.map { $0.attest.pcrSelection.banks.first?.hash } == [.sha1, .sha256, .sha384])
        #expect(evidence.quotes.allSatisfy { $0.signature.hash == .sha256 && $0.signature.scheme == .rsassa })
        let result = try TPMVerifier(trust: try TPMSamples.gceTrust())
            .verify(evidence, expectedNonce: .value(try #require(Hex.decode(nonce))), expectedInitData: .notProvided, at: TPMSamples.time)
        let certificate = try #require(result.akCertificate)
        #expect(certificate.subject.attributes.isEmpty)
        let expected = try #require(TPMSamples.expected["tpm/gotpmtools-gce-cos-85"]?["fields"])
        #expect(Timestamp.text(certificate.notBefore) == expected["\(file) ak_cert"]?["not_before"]?.stringValue)
        for quote in evidence.quotes {
            let bank = try #require(quote.attest.pcrSelection.banks.first?.hash)
            let fields = try #require(expected["\(file) \(bank)"])
            #expect(Hex.encode(quote.attest.extraData) == fields["extra_data"]?.stringValue)
            let pcrs = try #require(fields["pcrs"]?.objectValue)
            #expect(pcrs.count == 24)
            for (index, value) in pcrs { #expect(quote.pcrs[bank, Int(index) ?? -1].map(Hex.encode) == value.stringValue) }
        }
        #expect(result.claims["pcr09"] == expected["\(file) sha256"]?["pcrs"]?["9"])
    }

    @Test("Trustee's tpm evidence JSON verifies with its AK; extraData binds the first 32 bytes; pcr00..pcr23 claims")
    func trustee() throws {
        let evidence = try TPMEvidence.parse(try TPMSamples.bytes("trustee-tpm-evidence/tpm_evidence.json"))
        let fields = try #require(TPMSamples.expected["tpm/trustee-tpm-evidence (swtpm/libtpms, not hardware)"]?["fields"])
        let extraText = try #require(fields["extra_data"]?.stringValue)
        let extra = try #require(Hex.decode(extraText))
        let quote = try #require(evidence.quotes.first)
        #expect(quote.attest.extraData == extra)
        #expect(Hex.encode(quote.attest.pcrDigest) == fields["pcr_digest"]?.stringValue)
        #expect(quote.attest.resetCount == UInt32(fields["reset_count"]?.intValue ?? -1))
        #expect("0x" + Hex.encode(withUnsafeBytes(of: quote.attest.firmwareVersion.bigEndian, Array.init)) == fields["firmware_version"]?.stringValue)
        let verifier = TPMVerifier(trust: AKTrust(keys: [try TPMSamples.key("trustee-tpm-evidence/ak_public.pem")]))
        let result = try verifier.verify(evidence, expectedNonce: .value(Array(extra.prefix(32))), expectedInitData: .notProvided, at: TPMSamples.time)
        #expect((0..<24).allSatisfy { result.claims[String(format: "pcr%02d", $0)] != nil })
        #expect(result.claims["init_data"] == result.claims["pcr08"])
        #expect(result.claims["report_data"] == .string(Hex.encode(extra)))
        _ = try verifier.verify(evidence, expectedNonce: .value(extra), expectedInitData: .notProvided, at: TPMSamples.time)
        var other = extra
        other[31] ^= 1
        #expect(throws: TPMError.self) {
            try verifier.verify(evidence, expectedNonce: .value(Array(other.prefix(32))), expectedInitData: .notProvided, at: TPMSamples.time)
        }
    }

    @Test("PCR 8 binds an init-data digest as SHA-256(0^32 || digest)")
    func initData() throws {
        let digest = [UInt8](repeating: 0xAB, count: 32)
        var pcrs = PCRBanks()
        pcrs[.sha256, 8] = try TPMAlgorithm.sha256.hash([UInt8](repeating: 0, count: 32) + digest)
        try TPMClaims.checkInitData(pcrs, expected: .value(digest))
        let error = try #require(throws: TPMError.self) { try TPMClaims.checkInitData(pcrs, expected: .value([1])) }
        #expect(error.code == .initData)
    }

    @Test("the tpm2-tools serialized PCR file round-trips")
    func pcrFileRoundTrip() throws {
        let file = try TPMSamples.bytes("swtpm-sample/quote_ecc.pcrs")
        let (selection, values) = try PCRBanks.readTPM2ToolsSerialized(file)
        #expect(selection.banks == [PCRSelection.Bank(hash: .sha256, pcrs: [0, 16, 23])])
        #expect(try values.tpm2ToolsSerialized(for: selection) == file)
    }
}
