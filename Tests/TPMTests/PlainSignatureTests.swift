import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import TPM

@Suite("tpm2_quote -f plain signatures, and the qualified signer recomputed from the AK's public area")
struct PlainSignatureTests {
    static let ek = Result { try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ek.pub")) }

    static func plain(_ name: String, key: AttestationKey?) throws -> TPMEvidence {
        try TPMEvidence.tpm2Tools(
            message: try TPMSamples.bytes("swtpm-sample/\(name).msg"), signature: try TPMSamples.bytes("swtpm-sample/\(name).sig"),
            pcrs: try TPMSamples.bytes("swtpm-sample/\(name).pcrs"), key: key
        )
    }

    @Test("plain RSASSA and DER ECDSA signatures take their algorithm from the AK (TPM2B_PUBLIC or SPKI) and verify",
          arguments: [("quote_rsa_plain", "ak_rsa"), ("quote_ecc_plain", "ak_ecc")])
    func plainQuotes(quote: String, ak: String) throws {
        for file in ["\(ak).tss.pub", "\(ak).pem"] {
            let key = try TPMSamples.key("swtpm-sample/\(file)")
            let evidence = try Self.plain(quote, key: key)
            #expect(evidence.quotes[0].signature.hash == .sha256)
            #expect(evidence.quotes[0].signature.scheme == (ak == "ak_rsa" ? .rsassa : .ecdsa))
            let verifier = TPMVerifier(trust: AKTrust(keys: [key], parents: [try Self.ek.get()]))
            _ = try verifier.verify(evidence, expectedNonce: .value(try TPMSamples.nonce()), expectedInitData: .notProvided, at: TPMSamples.time)
        }
    }

    @Test("a plain signature without the AK, cut short, or for the other key type is a clean error")
    func plainErrors() throws {
        let missing = try #require(throws: TPMError.self) { try Self.plain("quote_rsa_plain", key: nil) }
        #expect(missing.message.contains("plain"))
        let rsa = try TPMSamples.key("swtpm-sample/ak_rsa.pem")
        let ecc = try TPMSamples.key("swtpm-sample/ak_ecc.pem")
        let rsaSignature = try TPMSamples.bytes("swtpm-sample/quote_rsa_plain.sig")
        #expect(throws: TPMError.self) { try Signature(plain: Array(rsaSignature.dropLast()), key: rsa) }
        #expect(throws: TPMError.self) { try Signature(plain: rsaSignature, key: ecc) }
        let eccSignature = try TPMSamples.bytes("swtpm-sample/quote_ecc_plain.sig")
        for count in [0, 1, 5, eccSignature.count - 1] {
            #expect(throws: TPMError.self) { try Signature(plain: Array(eccSignature.prefix(count)), key: ecc) }
        }
    }

    @Test("the qualified signer: the child-of-EK QN of the sample AKs, the primary QN matching an independent computation; a missing or wrong parent is refused")
    func qualifiedSigner() throws {
        let area = try #require(try TPMSamples.key("swtpm-sample/ak_rsa.tss.pub").publicArea)
        // Computed independently (Python hashlib): SHA-256(0x4000000B ‖ Name(AK)).
        #expect(Hex.encode(try QualifiedName.primary(area, hierarchy: 0x4000_000B)) == "000bfff28de1f3d61fe564d1e075a6c969622e412e1e36971014053b4f657183dc6b")
        let quote = try TPMSamples.swtpm("quote_rsa")
        #expect(Hex.encode(quote.quotes[0].attest.qualifiedSigner) == Hex.encode(try QualifiedName.of(area, parent: try QualifiedName.primary(try Self.ek.get(), hierarchy: 0x4000_000B))))
        let key = try AttestationKey(publicArea: area)
        let noParent = try #require(throws: TPMError.self) {
            try TPMVerifier(trust: AKTrust(keys: [key])).verify(quote, expectedNonce: .notProvided, expectedInitData: .notProvided, at: TPMSamples.time)
        }
        #expect(noParent.code == .qualifiedSigner && noParent.message.contains("parent's TPM2B_PUBLIC"))
        let otherEK = try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ek.pub"))
        let wrongParent = try #require(throws: TPMError.self) {
            try TPMVerifier(trust: AKTrust(keys: [key], parents: [otherEK])).verify(quote, expectedNonce: .notProvided, expectedInitData: .notProvided, at: TPMSamples.time)
        }
        #expect(wrongParent.code == .qualifiedSigner)
        // The AK given as SPKI has no public area: the qualified signer cannot be recomputed and is not checked.
        _ = try TPMVerifier(trust: AKTrust(keys: [try TPMSamples.key("swtpm-sample/ak_rsa.pem")]))
            .verify(quote, expectedNonce: .notProvided, expectedInitData: .notProvided, at: TPMSamples.time)
        // Collateral files: the EK's TPM2B_PUBLIC becomes a parent, not a trusted key.
        let trust = try AKTrust(files: [("ak_rsa.tss.pub", try TPMSamples.bytes("swtpm-sample/ak_rsa.tss.pub")), ("ek.pub", try TPMSamples.bytes("swtpm-sample/ek.pub"))])
        #expect(trust.keys.count == 1 && trust.parents.count == 1)
    }
}
