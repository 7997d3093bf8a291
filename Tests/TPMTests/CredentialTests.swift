import Crypto
import Foundation
import HermeticCore
import PKI
import Testing
import TestSupport
import _CryptoExtras
@testable import TPM

/// A transport that records each command and answers with the next canned response.
final class RecordingTransport: TPMTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var responses: [[UInt8]]
    private(set) var commands: [[UInt8]] = []

    init(responses: [[UInt8]]) { self.responses = responses }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        commands.append(command)
        guard !responses.isEmpty else { throw TPMError(.command, "no canned response") }
        return responses.removeFirst()
    }

    static func response(sessions: Bool, _ body: String) -> [UInt8] {
        let bytes = Hex.decode(body.replacingOccurrences(of: " ", with: "")) ?? []
        var writer = TPMWriter()
        writer.u16(sessions ? 0x8002 : 0x8001)
        writer.u32(UInt32(10 + bytes.count))
        writer.u32(0)
        writer.append(bytes)
        return writer.bytes
    }
}

@Suite("Credential protection: KDFa/KDFe, OAEP with a label, MakeCredential, the session commands' marshaling, EK certificates")
struct CredentialTests {
    static func hex(_ text: String) -> [UInt8] { Hex.decode(text.replacingOccurrences(of: " ", with: "")) ?? [] }

    // Expected values from an independent Python implementation of Part 1, 11.4.10 (hmac/hashlib).
    @Test("KDFa and KDFe match an independent implementation of the TPM 2.0 Part 1 definitions")
    func kdfVectors() throws {
        let key = Array(UInt8(0)..<32)
        let name = [0x00, 0x0B] + Array(UInt8(100)..<132)
        #expect(try CredentialKDF.kdfa(.sha256, key: key, label: "STORAGE", contextU: name, contextV: [], bits: 128) == Self.hex("d98939313878365f823837e2ce0286ca"))
        #expect(try CredentialKDF.kdfa(.sha256, key: key, label: "INTEGRITY", contextU: [], contextV: [], bits: 256)
            == Self.hex("bacf689f634ece301e1f1b15b072d9c87db6a69585db42b1a0cb8f73ebe2692e"))
        #expect(try CredentialKDF.kdfa(.sha384, key: key, label: "STORAGE\0", contextU: name, contextV: [], bits: 256)
            == Self.hex("78a98b1475d8a5a421b7cb1d93fcf7e8c8877ae1aa59e3365aac80b062a3b11f"))
        #expect(try CredentialKDF.kdfa(.sha256, key: key, label: "XX", contextU: [], contextV: [], bits: 520)
            == Self.hex("6aba6583291629ffc74419aaf311b85f5490b376b33bd298737b057c6a8813b492788470a88473b43f131a5ca18beac492c2db2a97b4bb8b4b2419d4665061744b"))
        #expect(try CredentialKDF.kdfe(.sha256, z: Array(UInt8(50)..<82), label: "IDENTITY", partyU: Array(UInt8(1)..<33), partyV: Array(UInt8(2)..<34), bits: 256)
            == Self.hex("c370a20c43f4d69b3b53add78f0aa21598e73f2df5deeb1d837144968f6ba96a"))
        #expect(try CredentialKDF.kdfe(.sha384, z: Array(UInt8(50)..<98), label: "IDENTITY", partyU: Array(UInt8(1)..<49), partyV: Array(UInt8(2)..<50), bits: 384)
            == Self.hex("4d9af5c23aa5946ee225f46fb79077c28c80c22f5f5178ecb39473541fdca201fd1605ae3baa56441eb402aee217f3d8"))
        #expect(throws: TPMError.self) { try CredentialKDF.kdfa(.sm3, key: key, label: "X", contextU: [], contextV: [], bits: 128) }
    }

    @Test("the RSA public operation with OAEP (empty label) is decrypted by swift-crypto's RSA-OAEP-SHA256, for 2048- and 3072-bit keys",
          arguments: [2048, 3072])
    func oaepAgainstSwiftCrypto(bits: Int) throws {
        let privateKey = try _RSA.Encryption.PrivateKey(keySize: .init(bitCount: bits))
        let spki = Array(privateKey.publicKey.derRepresentation)
        guard case .rsa(let signing) = try PKI.PublicKey(subjectPublicKeyInfo: spki[...]) else { Issue.record("not RSA"); return }
        let components = try signing.getKeyPrimitives()
        let exponent = components.publicExponent.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let operation = try RSAPublicOperation(modulus: Array(components.modulus), exponent: exponent)
        for length in [0, 1, 32, bits / 8 - 66] {
            let message = SecureRandom.bytes(length)
            let ciphertext = try OAEP.encrypt(message, key: operation, hash: .sha256, label: [], random: SecureRandom.bytes)
            #expect(ciphertext.count == bits / 8)
            #expect(Array(try privateKey.decrypt(ciphertext, padding: .PKCS1_OAEP_SHA256)) == message)
        }
        #expect(throws: TPMError.self) { try OAEP.encrypt([UInt8](repeating: 1, count: bits / 8 - 65), key: operation, hash: .sha256, label: [], random: SecureRandom.bytes) }
        #expect(throws: TPMError.self) { try RSAPublicOperation(modulus: Array(components.modulus.dropLast()) + [0x02], exponent: 65537) }
    }

    @Test("StartAuthSession, PolicySecret and ActivateCredential are marshaled byte for byte as Part 3 lays them out")
    func sessionMarshaling() throws {
        let transport = RecordingTransport(responses: [
            RecordingTransport.response(sessions: false, "03000000 0010 \(String(repeating: "22", count: 16))"),
            RecordingTransport.response(sessions: true, "0000000a 0000 8021 4000000b 0000 0000 00 0000"),
            RecordingTransport.response(sessions: true, "00000006 0004 deadbeef 0000 00 0000 0000 00 0000"),
        ])
        let client = TPMClient(transport: transport)
        let session = try client.startPolicySession(nonceCaller: [UInt8](repeating: 0x11, count: 32))
        #expect(session == 0x0300_0000)
        try client.policySecret(session: session)
        let credential = try client.activateCredential(activate: 0x8000_0001, key: 0x8000_0000, keySession: session,
                                                       credential: EncryptedCredential(credentialBlob: [0xAA, 0xBB], secret: [0xCC]))
        #expect(credential == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(transport.commands[0] == Self.hex("8001 0000003b 00000176 40000007 40000007 0020 \(String(repeating: "11", count: 32)) 0000 01 0010 000b"))
        #expect(transport.commands[1] == Self.hex("8002 00000029 00000151 4000000b 03000000 00000009 40000009 0000 00 0000 0000 0000 0000 00000000"))
        #expect(transport.commands[2] == Self.hex("8002 0000002f 00000147 80000001 80000000 00000012 40000009 0000 00 0000 03000000 0000 00 0000 0002 aabb 0001 cc"))
    }

    @Test("tpm2-tools' credential file (tpm2_makecredential -o) reads and writes back byte for byte; a wrong magic is refused")
    func tpm2ToolsCredentialFile() throws {
        let bytes = try TPMSamples.bytes("swtpm-sample/ekcert-chain/mkcred.out")
        let credential = try EncryptedCredential(tpm2ToolsFile: bytes)
        #expect(credential.secret.count == 256, "RSA 2048 EK: the seed is an OAEP ciphertext of the modulus size")
        #expect(credential.credentialBlob.count > 34)
        #expect(credential.tpm2ToolsFile == bytes)
        var wrong = bytes
        wrong[0] ^= 0xFF
        #expect(throws: TPMError.self) { try EncryptedCredential(tpm2ToolsFile: wrong) }
        #expect(throws: TPMError.self) { try EncryptedCredential(tpm2ToolsFile: Array(bytes.dropLast())) }
    }

    @Test("MakeCredential refuses an AK as EK, an oversized credential and a malformed name; the blob has the HMAC then encIdentity")
    func makeCredentialInputs() throws {
        let ek = try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ek.pub"))
        let ak = try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ak.tss.pub"))
        #expect(ek.symmetric == SymmetricDefinition(algorithm: .aes, keyBits: 128, mode: .cfb))
        let name = try ak.name()
        #expect(name == (try TPMSamples.bytes("swtpm-sample/ekcert-chain/ak.name")))
        let credential = try MakeCredential.protect(Array("sixteen byte key".utf8), for: name, ek: ek)
        #expect(credential.secret.count == 256)
        #expect(credential.credentialBlob.prefix(2) == [0x00, 0x20])
        #expect(credential.credentialBlob.count == 2 + 32 + 2 + 16)
        let again = try MakeCredential.protect(Array("sixteen byte key".utf8), for: name, ek: ek)
        #expect(again != credential, "a fresh seed each time")
        #expect(throws: TPMError.self) { try MakeCredential.protect([1], for: name, ek: ak) }
        #expect(throws: TPMError.self) { try MakeCredential.protect([UInt8](repeating: 1, count: 33), for: name, ek: ek) }
        #expect(throws: TPMError.self) { try MakeCredential.protect([], for: name, ek: ek) }
        #expect(throws: TPMError.self) { try MakeCredential.protect([1], for: Array(name.dropLast()), ek: ek) }
    }

    @Test("swtpm_setup's EK certificates chain to its local CA, name the EK, and carry the TPM attributes; other roots, a missing intermediate or an early time fail")
    func ekCertificateChain() throws {
        // swtpm-localca issued the sample on 2026-11-21 at 10:09:57.
        let time = Fixtures.time("2026-11-22T00:00:00Z")
        let root = try AKTrust.certificates(in: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ca_root.pem"))
        let intermediate = try AKTrust.certificates(in: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ca_intermediate.pem"))
        let rsa = try EKCertificate(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ekcert_rsa.der"))
        let ecc = try EKCertificate(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ekcert_ecc.der"))
        for certificate in [rsa, ecc] {
            try certificate.verify(roots: root, intermediates: intermediate, at: time)
            #expect(certificate.tpmManufacturer == "id:00001014")
            #expect(certificate.tpmModel == "swtpm")
            let noIntermediate = try #require(throws: TPMError.self) { try certificate.verify(roots: root, at: time) }
            #expect(noIntermediate.code == .certificateChain)
            let gce = try AKTrust.certificates(in: try TPMSamples.bytes("_gcp-ca-certs/tpm_ek_root_1.cer"))
            #expect(throws: TPMError.self) { try certificate.verify(roots: gce, intermediates: intermediate, at: time) }
            #expect(throws: TPMError.self) { try certificate.verify(roots: root, intermediates: intermediate, at: Fixtures.time("2026-01-01T00:00:00Z")) }
            #expect(throws: TPMError.self) { try certificate.verify(roots: [], intermediates: intermediate, at: time) }
        }
        let ek = try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ek.pub"))
        #expect(rsa.certifies(ek))
        #expect(!ecc.certifies(ek))
        let ak = try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ak.tss.pub"))
        #expect(!rsa.certifies(ak))
        // A certificate that is not a CA cannot issue: the same chain passes only when the intermediate says cA TRUE.
        let rootKey = TestCertificateBuilder.SigningKey.p384(P384.Signing.PrivateKey())
        let middleKey = TestCertificateBuilder.SigningKey.p384(P384.Signing.PrivateKey())
        let leafKey = TestCertificateBuilder.SigningKey.p384(P384.Signing.PrivateKey())
        let (from, to) = (Fixtures.time("2026-01-01T00:00:00Z"), Fixtures.time("2030-01-01T00:00:00Z"))
        let rootName = try TestCertificateBuilder.name(commonName: "EK root")
        let middleName = try TestCertificateBuilder.name(commonName: "EK intermediate")
        let testRoot = try X509Certificate(derEncoded: try TestCertificateBuilder.certificate(
            issuer: rootName, subject: rootName, notBefore: from, notAfter: to, subjectKey: rootKey, signedBy: rootKey))
        let testLeaf = try X509Certificate(derEncoded: try TestCertificateBuilder.certificate(
            issuer: middleName, subject: try TestCertificateBuilder.name(commonName: "EK"), notBefore: from, notAfter: to, subjectKey: leafKey, signedBy: middleKey))
        for isCA in [true, false] {
            let middle = try X509Certificate(derEncoded: try TestCertificateBuilder.certificate(
                issuer: rootName, subject: middleName, notBefore: from, notAfter: to, subjectKey: middleKey,
                extensions: isCA ? [.init(oid: [2, 5, 29, 19], value: [0x30, 0x03, 0x01, 0x01, 0xFF])] : [], signedBy: rootKey))
            if isCA {
                try AKCertificateChain.verify(leaf: testLeaf, intermediates: [middle], roots: [testRoot], at: TPMSamples.time)
            } else {
                let error = try #require(throws: TPMError.self) {
                    try AKCertificateChain.verify(leaf: testLeaf, intermediates: [middle], roots: [testRoot], at: TPMSamples.time)
                }
                #expect(error.code == .certificateChain && error.message.contains("not a CA"))
            }
        }
        #expect(throws: TPMError.self) { try EKCertificate(bytes: [0x30, 0x03, 0x02, 0x01]) }
    }

    @Test("the broker's side offline: the EK rebuilt from swtpm's EK certificate and the L-1 template equals the TPM's EK byte for byte; the challenge binds the AK's name; AK and EK mix-ups are refused")
    func ekBindingVerifierOffline() throws {
        let time = Fixtures.time("2026-11-22T00:00:00Z")
        let verifier = try EKBindingVerifier(files: [
            ("ca_root.pem", try TPMSamples.bytes("swtpm-sample/ekcert-chain/ca_root.pem")),
            ("ca_intermediate.pem", try TPMSamples.bytes("swtpm-sample/ekcert-chain/ca_intermediate.pem")),
        ])
        #expect(verifier.roots.count == 1 && verifier.intermediates.count == 1)
        let certificate = try TPMSamples.bytes("swtpm-sample/ekcert-chain/ekcert_rsa.der")
        let akPublic = try TPMSamples.bytes("swtpm-sample/ekcert-chain/ak.tss.pub")
        let challenge = try verifier.challenge(ekCertificate: certificate, akPublic: akPublic, at: time)
        let tpmEK = try PublicArea(bytes: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ek.pub"))
        #expect(challenge.ek.bytes == tpmEK.bytes, "the EK a TPM derives from the L-1 template is the certified key in that template")
        #expect(challenge.akName == (try TPMSamples.bytes("swtpm-sample/ekcert-chain/ak.name")))
        #expect(challenge.secret.count == 32)
        #expect(challenge.credential.secret.count == 256)
        let akAsEK = try #require(throws: TPMError.self) {
            try verifier.challenge(ekCertificate: certificate, akPublic: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ek.pub"), at: time)
        }
        #expect(akAsEK.code == .attestationKey)
        // swtpm_setup's ECC EK is P-384 (a high-range template): refused by name, not mis-bound.
        let p384 = try #require(throws: TPMError.self) {
            try verifier.challenge(ekCertificate: try TPMSamples.bytes("swtpm-sample/ekcert-chain/ekcert_ecc.der"), akPublic: akPublic, at: time)
        }
        #expect(p384.code == .unsupported)
        #expect(throws: TPMError.self) { try verifier.challenge(ekCertificate: [1, 2, 3], akPublic: akPublic, at: time) }
        #expect(throws: TPMError.self) { try verifier.challenge(ekCertificate: certificate, akPublic: [0, 1, 2], at: time) }
        #expect(throws: TPMError.self) { try EKBindingVerifier(files: [("empty", [])]) }
    }
}
