import Foundation
import HermeticCore
import Testing
import TestSupport
@testable import TPM

@Suite("TPM quotes: tampering, wrong keys and nonces, truncation")
struct TPMRejectionTests {
    func verifyECC(_ evidence: TPMEvidence, nonce: ExpectedData? = nil) throws {
        let verifier = TPMVerifier(trust: AKTrust(keys: [try TPMSamples.key("swtpm-sample/ak_ecc.pem")]))
        _ = try verifier.verify(evidence, expectedNonce: try nonce ?? .value(TPMSamples.nonce()), expectedInitData: .notProvided, at: TPMSamples.time)
    }

    @Test("the tampered PCR16 file is rejected: the PCR digest differs")
    func tamperedPCR() throws {
        let error = try #require(throws: TPMError.self) {
            try verifyECC(try TPMSamples.swtpm("quote_ecc", pcrs: "negative_tampered_pcr16.pcrs"))
        }
        #expect(error.code == .pcrDigest)
        #expect(error.kind == .rejected)
    }

    @Test("a wrong nonce is rejected")
    func wrongNonce() throws {
        var nonce = try TPMSamples.nonce()
        nonce[0] ^= 1
        let error = try #require(throws: TPMError.self) { try verifyECC(try TPMSamples.swtpm("quote_ecc"), nonce: .value(nonce)) }
        #expect(error.code == .reportData)
    }

    @Test("a quote from another key is rejected, and an AK that differs from the evidence's is refused")
    func wrongKey() throws {
        let error = try #require(throws: TPMError.self) { try verifyECC(try TPMSamples.swtpm("quote_rsa")) }
        #expect(error.code == .quoteSignature)
        var evidence = try TPMEvidence.parse(try TPMSamples.bytes("trustee-tpm-evidence/tpm_evidence.json"))
        evidence.attestationKey = try TPMSamples.key("swtpm-sample/ak_rsa.pem")
        let verifier = TPMVerifier(trust: AKTrust(keys: [try TPMSamples.key("trustee-tpm-evidence/ak_public.pem")]))
        let refused = try #require(throws: TPMError.self) {
            try verifier.verify(evidence, expectedNonce: .notProvided, expectedInitData: .notProvided, at: TPMSamples.time)
        }
        #expect(refused.code == .attestationKey)
    }

    @Test("without a trusted AK or root there is no verdict (collateral unavailable)")
    func noTrust() throws {
        let evidence = try TPMEvidence.parse(try TPMSamples.bytes("trustee-tpm-evidence/tpm_evidence.json"))
        let error = try #require(throws: TPMError.self) {
            try TPMVerifier(trust: AKTrust()).verify(evidence, expectedNonce: .notProvided, expectedInitData: .notProvided, at: TPMSamples.time)
        }
        #expect(error.kind == .collateralUnavailable)
    }

    @Test("the GCE AK certificate does not chain to another root, nor outside its validity")
    func gceWrongRoot() throws {
        let evidence = try TPMEvidence.parse(try TPMSamples.bytes("gotpmtools-gce-cos-85/gce-cos-85-no-nonce.pb"))
        let otherRoot = try AKTrust(files: [], rootFiles: [("gcp_ek_ak_ca_root.crt", try TPMSamples.bytes("_gcp-ca-certs/gcp_ek_ak_ca_root.crt"))])
        let error = try #require(throws: TPMError.self) {
            try TPMVerifier(trust: otherRoot).verify(evidence, expectedNonce: .notProvided, expectedInitData: .notProvided, at: TPMSamples.time)
        }
        #expect(error.code == .certificateChain)
        let expired = try #require(throws: TPMError.self) {
            try TPMVerifier(trust: try TPMSamples.gceTrust())
                .verify(evidence, expectedNonce: .notProvided, expectedInitData: .notProvided, at: Fixtures.time("2020-01-01T00:00:00Z"))
        }
        #expect(expired.code == .certificateChain)
    }

    @Test("every single-byte flip of TPMS_ATTEST is rejected (ECDSA and RSASSA quotes)", arguments: ["quote_ecc", "quote_rsa"])
    func byteFlips(name: String) throws {
        let message = try TPMSamples.bytes("swtpm-sample/\(name).msg")
        let signature = try TPMSamples.bytes("swtpm-sample/\(name).sig")
        let pcrs = try TPMSamples.bytes("swtpm-sample/\(name).pcrs")
        let key = try TPMSamples.key("swtpm-sample/\(name == "quote_ecc" ? "ak_ecc" : "ak_rsa").pem")
        let verifier = TPMVerifier(trust: AKTrust(keys: [key]))
        var codes: Set<TPMError.Code> = []
        for offset in message.indices {
            var flipped = message
            flipped[offset] ^= 0x01
            do {
                let evidence = try TPMEvidence.tpm2Tools(message: flipped, signature: signature, pcrs: pcrs)
                _ = try verifier.verify(evidence, expectedNonce: .value(try TPMSamples.nonce()), expectedInitData: .notProvided, at: TPMSamples.time)
                Issue.record("flip at \(offset) was accepted")
            } catch let error as TPMError {
                codes.insert(error.code)
            }
        }
        #expect(codes.contains(.magic))
        #expect(codes.contains(.quoteSignature))
    }

    @Test("every truncation of TPMS_ATTEST, TPMT_SIGNATURE, TPM2B_PUBLIC, the PCR file and the protobuf is a clean error")
    func truncations() throws {
        let message = try TPMSamples.bytes("swtpm-sample/quote_rsa.msg")
        for count in 0..<message.count {
            #expect(throws: TPMError.self) { try Attest(bytes: Array(message.prefix(count))) }
        }
        let signature = try TPMSamples.bytes("swtpm-sample/quote_ecc.sig")
        for count in 0..<signature.count {
            #expect(throws: TPMError.self) { try Signature(bytes: Array(signature.prefix(count))) }
        }
        let area = try TPMSamples.bytes("swtpm-sample/ak_rsa.tss.pub")
        for count in 3..<area.count {
            #expect(throws: TPMError.self) { try PublicArea(tpmtPublic: Array(area.dropFirst(2).prefix(count - 2))) }
        }
        let pcrs = try TPMSamples.bytes("swtpm-sample/quote_ecc.pcrs")
        for count in 0..<pcrs.count {
            #expect(throws: TPMError.self) { try PCRBanks.readTPM2ToolsSerialized(Array(pcrs.prefix(count))) }
        }
        let protobuf = try TPMSamples.bytes("gotpmtools-gce-cos-85/gce-cos-85-nonce9009.pb")
        for count in stride(from: 0, to: protobuf.count, by: 97) {
            #expect(throws: (any Error).self) { try TPMEvidence.parse(Array(protobuf.prefix(count))) }
        }
        #expect(throws: TPMError.self) { try TPMEvidence.parse(Array("{\"tpm_quote\": {}}".utf8)) }
        #expect(throws: TPMError.self) { try TPMEvidence.parse(Array("{not json".utf8)) }
    }
}
