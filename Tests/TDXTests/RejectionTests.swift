import Foundation
import HermeticCore
import PolicyYAML
import PKI
import Testing
import TestSupport
@testable import TDX

@Suite("Known-bad samples, tampering and collateral windows")
struct RejectionTests {
    func verify(_ sample: Sample, quote: [UInt8]? = nil, collateral: CheckedCollateral? = nil, at time: String? = nil,
                policy: DCAPPolicy = DCAPPolicy()) throws -> (VerifiedQuote, [String: JSONValue]) {
        let evidence = try QuoteEvidence.parse(try quote ?? sample.quoteBytes())
        return try DCAPVerifier().verify(
            evidence, tee: evidence.quote.isTDX ? "tdx" : "sgx", collateral: try collateral ?? sample.checked(),
            options: DCAPVerificationOptions(time: time.map(Fixtures.time) ?? sample.date(), policy: policy)
        )
    }

    @Test("no matching TCB level: the platform is below every level", arguments: [Sample.sprE4, Sample.trustee5])
    func noMatchingLevel(sample: Sample) throws {
        let error = try #require(throws: TDXError.self) { try verify(sample) }
        #expect(error.code == .tcbLevel)
        #expect(error.message.contains("no TCB level"))
    }

    @Test("a debug TD is refused by the default policy, with its DCAP verdict UpToDate")
    func debugTD() throws {
        let error = try #require(throws: TDXError.self) { try verify(Sample.trustee4) }
        #expect(error.code == .policy)
        #expect(error.description == "tdx: policy: td_attributes.debug is true, allowed false")
        var policy = DCAPPolicy()
        policy.allowDebug = true
        #expect(try verify(Sample.trustee4, policy: policy).0.verdict.status == .upToDate)
    }

    @Test("OutOfDate is refused when the policy requires UpToDate, accepted when listed")
    func outOfDate() throws {
        let error = try #require(throws: TDXError.self) { try verify(Sample.trustee6) }
        #expect(error.code == .tcbStatus)
        #expect(error.message == "TCB status OutOfDate is not accepted (accepted: UpToDate)")
        let policy = try DCAPPolicy(yaml: "accepted_tcb_statuses: [UpToDate, OutOfDate]")
        #expect(try verify(Sample.trustee6, policy: policy).1["tcb_status"] == .string("OutOfDate"))
    }

    @Test("advisories must be listed when the policy names accepted advisory IDs")
    func advisories() throws {
        let listed = try DCAPPolicy(yaml: "accepted_tcb_statuses: [ConfigurationAndSWHardeningNeeded]\naccepted_advisory_ids: [INTEL-SA-00289, INTEL-SA-00615]")
        #expect(try verify(Sample.dcapqvlSGX, policy: listed).1["advisory_ids"] == .array([.string("INTEL-SA-00289"), .string("INTEL-SA-00615")]))
        let partial = try DCAPPolicy(yaml: "accepted_tcb_statuses: [ConfigurationAndSWHardeningNeeded]\naccepted_advisory_ids: [INTEL-SA-00289]")
        let error = try #require(throws: TDXError.self) { try verify(Sample.dcapqvlSGX, policy: partial) }
        #expect(error.description == "sgx: TCB status ConfigurationAndSWHardeningNeeded carries advisories not accepted by the policy: INTEL-SA-00615")
    }

    @Test("a flipped byte in the quote body fails the quote signature")
    func bodyFlip() throws {
        var bytes = try Sample.dcapqvlTDX.quoteBytes()
        bytes[48 + 136] ^= 0x01
        let error = try #require(throws: TDXError.self) { try verify(Sample.dcapqvlTDX, quote: bytes) }
        #expect(error.code == .quoteSignature)
    }

    @Test("a flipped byte in the QE report fails the QE report signature", arguments: [Sample.dcapqvlTDX, Sample.dcapqvlSGX, Sample.quoteV5])
    func qeReportFlip(sample: Sample) throws {
        var bytes = try sample.quoteBytes()
        let quote = try Quote(bytes: bytes)
        let offset = quote.signedBytes.count + 4 + 128 + (quote.header.version == 3 ? 0 : 6)
        #expect(Array(bytes[offset..<offset + 384]) == quote.signatureData.qeReport.bytes)
        bytes[offset + 64] ^= 0x80
        let error = try #require(throws: TDXError.self) { try verify(sample, quote: bytes) }
        #expect(error.code == .qeReportSignature)
    }

    @Test("a flipped attestation key fails the QE binding")
    func attestationKeyFlip() throws {
        var bytes = try Sample.trustee6.quoteBytes()
        let quote = try Quote(bytes: bytes)
        bytes[quote.signedBytes.count + 4 + 64 + 10] ^= 0x01
        let error = try #require(throws: TDXError.self) { try verify(Sample.trustee6, quote: bytes) }
        #expect(error.code == .qeBinding)
    }

    @Test("a changed byte in the TCB info fails its signature")
    func tcbInfoFlip() throws {
        let directory = "tdx/_collateral-tinfoil-2026/"
        var text = String(decoding: try Fixtures.bytes(directory + "tcb_info_90c06f000000.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"tcbEvaluationDataNumber\":18", with: "\"tcbEvaluationDataNumber\":19")
        var collateral = try DCAPCollateral.read(Array(text.utf8), name: "tampered")
        collateral.merge(try DCAPCollateral.load(paths: ["tcb_info_90c06f000000_chain.txt", "qe_identity.json", "root_ca.crl"].map { Fixtures.url(directory + $0).path }))
        let error = try #require(throws: TDXError.self) { try CheckedCollateral(collateral, root: try IntelRootCA.bundled()) }
        #expect(error.code == .collateralSignature)
        #expect(error.message.hasPrefix("TCB info for FMSPC 90c06f000000"))
    }

    @Test("collateral outside its window is rejected naming the item", arguments: [
        ("2026-02-11T15:50:00Z", "TDX TCB info for FMSPC 90c06f000000 is valid 2026-01-12T15:46:45Z to 2026-02-11T15:46:45Z"),
        ("2026-02-11T16:00:00Z", "PCK CRL of \"Intel SGX PCK Platform CA\" is valid"),
        ("2026-01-01T00:00:00Z", "PCK certificate \"Intel SGX PCK Certificate\" is valid 2026-01-27T14:36:27Z"),
        ("2031-06-01T00:00:00Z", "root CA CRL is valid"),
    ])
    func window(time: String, message: String) throws {
        let error = try #require(throws: TDXError.self) { try verify(Sample.quoteV5, at: time) }
        #expect(error.code == .collateralExpired)
        #expect(error.message.hasPrefix(message), "\(error)")
    }

    @Test("a quote of the other TEE is refused")
    func wrongTEE() throws {
        let evidence = try QuoteEvidence.parse(try Sample.dcapqvlSGX.quoteBytes())
        let error = try #require(throws: TDXError.self) {
            try DCAPVerifier().verify(evidence, tee: "tdx", collateral: try Sample.dcapqvlSGX.checked(), options: DCAPVerificationOptions(time: Sample.dcapqvlSGX.date()))
        }
        #expect(error.description.hasPrefix("tdx: the evidence is an SGX quote"))
    }

    @Test("a root other than Intel's does not anchor the PCK chain")
    func otherRoot() throws {
        let ark = try PEMFile.derDocuments(in: try Fixtures.bytes("snp/_amd-kds-cert-chains/ask_ark_milan.pem"), labels: ["CERTIFICATE"])[1]
        let root = try X509Certificate(derEncoded: ark)
        let unanchored = try #require(throws: TDXError.self) { try Sample.dcapqvlTDX.checked(root: root) }
        #expect(unanchored.code == .collateralUnavailable)
        let quote = try Quote(bytes: try Sample.dcapqvlTDX.quoteBytes())
        let error = try #require(throws: TDXError.self) { try DCAPVerifier().verifySignatures(quote, root: root, at: Sample.dcapqvlTDX.date()) }
        #expect(error.code == .certificateChain)
    }

    @Test("the expected report data and init-data digest are compared")
    func expectations() throws {
        let sample = Sample.trustee6
        let evidence = try QuoteEvidence.parse(try sample.quoteBytes())
        let report = try #require(evidence.quote.tdReport)
        var options = DCAPVerificationOptions(time: sample.date(), expectedReportData: .value(report.reportData),
                                              expectedInitData: .value(report.mrConfigID), policy: try DCAPPolicy(yaml: "accepted_tcb_statuses: [OutOfDate]"))
        #expect(throws: Never.self) { try DCAPVerifier().verify(evidence, tee: "tdx", collateral: try sample.checked(), options: options) }
        options.expectedInitData = .value([1, 2, 3])
        let error = try #require(throws: TDXError.self) { try DCAPVerifier().verify(evidence, tee: "tdx", collateral: try sample.checked(), options: options) }
        #expect(error.code == .initData)
        options.expectedReportData = .value([0])
        #expect(throws: TDXError(.reportData, "")) { try DCAPVerifier().verify(evidence, tee: "tdx", collateral: try sample.checked(), options: options) }
    }

    @Test("collateral without the QE identity or TCB info for the FMSPC is unavailable, not a rejection")
    func missingCollateral() throws {
        let directory = "tdx/_collateral-tinfoil-2026/"
        let collateral = try DCAPCollateral.load(paths: ["tcb_info_00a06d080000.json", "tcb_info_00a06d080000_chain.txt", "qe_identity.json", "root_ca.crl",
                                                          "pck_crl_platform.crl", "pck_crl_platform_chain.txt"].map { Fixtures.url(directory + $0).path })
        let checked = try CheckedCollateral(collateral, root: try IntelRootCA.bundled())
        let error = try #require(throws: TDXError.self) { try verify(Sample.quoteV5, collateral: checked) }
        #expect(error.code == .collateralUnavailable)
        #expect(error.kind == .collateralUnavailable)
        #expect(error.message == "no TDX TCB info for FMSPC 90c06f000000 in the collateral")
    }
}
