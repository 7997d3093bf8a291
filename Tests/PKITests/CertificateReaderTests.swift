import Foundation
import PKI
import Testing
import TestSupport

@Suite("Certificate and CRL reader")
struct CertificateReaderTests {
    static func amdChain() throws -> [X509Certificate] {
        try PEMFile.derDocuments(in: try Fixtures.bytes("snp/_amd-kds-cert-chains/ask_ark_milan.pem"), labels: ["CERTIFICATE"])
            .map(X509Certificate.init(derEncoded:))
    }

    @Test("AMD's RSA-PSS certificates parse with their fields")
    func amdCertificates() throws {
        let chain = try Self.amdChain()
        #expect(chain.count == 2)
        let (ask, ark) = (chain[0], chain[1])
        #expect(ark.subject.commonName == "ARK-Milan")
        #expect(ask.subject.commonName == "SEV-Milan")
        #expect(ask.issuer == ark.subject)
        #expect(ark.version == 2)
        #expect(ark.signatureAlgorithm == .rsaPSS(hash: .sha384, mgf1Hash: .sha384, saltLength: 48))
        #expect(ark.notBefore == Fixtures.time("2020-10-22T17:23:05Z"))
        #expect(ark.notAfter == Fixtures.time("2045-10-22T17:23:05Z"))
        #expect(ark.isSigned(by: try ark.publicKey()))
        #expect(ask.isSigned(by: try ark.publicKey()))
        #expect(!ark.isSigned(by: try ask.publicKey()))
    }

    @Test("a changed TBS byte breaks the signature")
    func tamperedCertificate() throws {
        let ark = try Self.amdChain()[1]
        var der = ark.derBytes
        let index = ark.tbsBytes.startIndex + 200
        der[index] ^= 0x01
        let tampered = try X509Certificate(derEncoded: der)
        #expect(!tampered.isSigned(by: try ark.publicKey()))
    }

    @Test("a certificate cut at every length fails cleanly")
    func truncatedCertificate() throws {
        let der = try Fixtures.bytes("snp/trustee-milan-vcek/test-vcek.der")
        for length in 0..<der.count {
            let error = #expect(throws: PKIError.self) { try X509Certificate(derEncoded: Array(der.prefix(length))) }
            #expect(error?.code == .malformed)
        }
    }

    @Test("an ECDSA P-384 certificate signed by the test builder verifies")
    func ecdsaCertificate() throws {
        let key = TestCertificateBuilder.SigningKey.p384(.init())
        let name = try TestCertificateBuilder.name(commonName: "test")
        let der = try TestCertificateBuilder.certificate(
            issuer: name, subject: name, notBefore: Fixtures.time("2020-01-01T00:00:00Z"), notAfter: Fixtures.time("2060-01-01T00:00:00Z"),
            subjectKey: key, signedBy: key
        )
        let certificate = try X509Certificate(derEncoded: der)
        #expect(certificate.signatureAlgorithm == .ecdsa(hash: .sha384))
        #expect(certificate.notAfter == Fixtures.time("2060-01-01T00:00:00Z"))
        #expect(certificate.isSigned(by: try certificate.publicKey()))
        #expect(certificate.isValid(at: Fixtures.time("2030-01-01T00:00:00Z")))
        #expect(!certificate.isValid(at: Fixtures.time("2061-01-01T00:00:00Z")))
    }

    @Test("PEM files yield their certificate blocks; DER passes through")
    func pemFiles() throws {
        let pem = try Fixtures.bytes("snp/_amd-kds-cert-chains/ask_ark_genoa.pem")
        #expect(try PEMFile.derDocuments(in: pem, labels: ["CERTIFICATE"]).count == 2)
        #expect(try PEMFile.derDocuments(in: pem, labels: ["X509 CRL"]).isEmpty)
        let der = try Fixtures.bytes("snp/oak-genoa-v5/vcek.der")
        #expect(try PEMFile.derDocuments(in: der, labels: ["CERTIFICATE"]) == [der])
    }
}
