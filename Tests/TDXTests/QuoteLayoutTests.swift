import Foundation
import HermeticCore
import PKI
import Testing
import TestSupport
@testable import TDX

@Suite("Quote layout: v3, v4, v5 read by declared lengths")
struct QuoteLayoutTests {
    static let cos113 = Sample(name: "gotdxguest-cos113-ccel", quote: "tdx/gotdxguest-cos113-ccel/cos-113-tdx-quote.dat", collateral: [],
                               time: "2025-01-01T00:00:00Z", expected: "tdx/gotdxguest-cos113-ccel (no collateral)")
    static let layouts = [Sample.dcapqvlTDX, Sample.dcapqvlSGX, Sample.sprE4, Sample.trustee4, Sample.trustee5, Sample.trustee6, Sample.quoteV5, cos113]

    @Test("every sample's fields equal EXPECTED.json", arguments: layouts)
    func fields(sample: Sample) throws {
        let quote = try Quote(bytes: try sample.quoteBytes())
        let fields = try #require(try sample.expectedEntry()["fields"])
        let header = try #require(fields["header"])
        #expect(Int64(quote.header.version) == header["version"]?.intValue)
        #expect(Int64(quote.header.attestationKeyType) == header["att_key_type"]?.intValue)
        #expect("0x" + String(quote.header.teeType, radix: 16) == header["tee_type"]?.stringValue)
        #expect(Hex.encode(quote.header.qeVendorID) == header["qe_vendor_id"]?.stringValue)
        #expect(Int64(quote.header.qeSVN) == header["qe_svn"]?.intValue)
        #expect(Int64(quote.header.pceSVN) == header["pce_svn"]?.intValue)
        #expect(Hex.encode(quote.reportData) == fields["report_data"]?.stringValue)
        switch quote.body {
        case .td(let report):
            #expect((report.isTD15 ? "td15" : "td10") == fields["body_type"]?.stringValue)
            let expected: [(String, [UInt8])] = [
                ("mrtd", report.mrTD), ("mrseam", report.mrSeam), ("mrsignerseam", report.mrSignerSeam), ("mrconfigid", report.mrConfigID),
                ("mrowner", report.mrOwner), ("mrownerconfig", report.mrOwnerConfig), ("rtmr0", report.rtmrs[0]), ("rtmr1", report.rtmrs[1]),
                ("rtmr2", report.rtmrs[2]), ("rtmr3", report.rtmrs[3]), ("xfam", report.xfam), ("td_attributes", report.tdAttributes.bytes),
                ("seam_attributes", report.seamAttributes), ("tee_tcb_svn", report.teeTCBSVN),
            ]
            for (name, value) in expected { #expect(Hex.encode(value) == fields[name]?.stringValue, "\(name)") }
            #expect(report.tdAttributes.debug == fields["td_debug"]?.boolValue)
            if let serviceTD = report.mrServiceTD { #expect(Hex.encode(serviceTD) == fields["mrservicetd"]?.stringValue) }
        case .sgx(let report):
            #expect(fields["body_type"]?.stringValue == "sgx")
            #expect(Hex.encode(report.mrEnclave) == fields["mrenclave"]?.stringValue)
            #expect(Hex.encode(report.mrSigner) == fields["mrsigner"]?.stringValue)
            #expect(Hex.encode(report.cpuSVN) == fields["cpusvn"]?.stringValue)
            #expect(Hex.encode(report.attributes) == fields["attributes"]?.stringValue)
            #expect(report.debug == fields["enclave_debug"]?.boolValue)
        }
        let qe = quote.signatureData.qeReport
        #expect(Hex.encode(qe.mrSigner) == fields["qe_report"]?["mrsigner"]?.stringValue)
        #expect(Int64(qe.isvSVN) == fields["qe_report"]?["isvsvn"]?.intValue)
        #expect(Int64(qe.isvProdID) == fields["qe_report"]?["isvprodid"]?.intValue)
        #expect(Hex.encode(qe.attributes) == fields["qe_report"]?["attributes"]?.stringValue)
        if let trailing = fields["trailing_bytes_after_signature_data"]?.stringValue {
            #expect(trailing.hasPrefix("\(quote.trailingByteCount) "))
        } else {
            #expect(quote.trailingByteCount == 0)
        }
        let chain = try PEMFile.derDocuments(in: Array(quote.signatureData.pckCertificateChain.prefix { $0 != 0 }), labels: ["CERTIFICATE"])
        let leaf = try X509Certificate(derEncoded: try #require(chain.first))
        let pck = try PCKExtensions(certificate: leaf)
        #expect(Hex.encode(pck.fmspc) == fields["pck"]?["fmspc"]?.stringValue)
        #expect(Hex.encode(pck.pceID) == fields["pck"]?["pceid"]?.stringValue)
        #expect(Int64(pck.pceSVN) == fields["pck"]?["pcesvn"]?.intValue)
        #expect(pck.componentSVNs.map { JSONValue.int(Int64($0)) } == fields["pck"]?["tcb_comp_svn"]?.arrayValue)
        #expect(leaf.issuer.commonName == fields["pck"]?["issuer_cn"]?.stringValue)
    }

    @Test("truncation at every length is a clean error naming the field; the full signature data parses", arguments: [Sample.trustee5, Sample.dcapqvlSGX])
    func truncation(sample: Sample) throws {
        let bytes = try sample.quoteBytes()
        let quote = try Quote(bytes: bytes)
        let end = bytes.count - quote.trailingByteCount
        for length in 0..<end {
            #expect(throws: TDXError.self, "length \(length)") { try Quote(bytes: Array(bytes.prefix(length))) }
        }
        #expect(try Quote(bytes: Array(bytes.prefix(end))).signedBytes == quote.signedBytes)
        let error = try #require(throws: TDXError.self) { try Quote(bytes: Array(bytes.prefix(100))) }
        #expect(error.code == .malformedQuote)
        #expect(error.message.contains("body"))
    }

    @Test("trailing bytes after the signature data, even non-zero, are ignored")
    func trailingBytes() throws {
        let bytes = try Sample.sprE4.quoteBytes()
        let quote = try Quote(bytes: bytes)
        #expect(quote.trailingByteCount == 39)
        #expect(bytes.suffix(39).contains { $0 != 0 })
        #expect(try Quote(bytes: bytes + [0xFF, 0xFF]).signatureData == quote.signatureData)
    }

    @Test("unsupported versions, key types and body types are named")
    func unsupported() throws {
        var bytes = try Sample.dcapqvlTDX.quoteBytes()
        bytes[0] = 6
        #expect(throws: TDXError(.unsupported, "")) { try Quote(bytes: bytes) }
        bytes[0] = 4
        bytes[2] = 3
        let error = try #require(throws: TDXError.self) { try Quote(bytes: bytes) }
        #expect(error.message.contains("attestation key type 3"))
        var v5 = try Sample.quoteV5.quoteBytes()
        v5[48] = 9
        #expect(throws: TDXError(.unsupported, "")) { try Quote(bytes: v5) }
    }

    @Test("evidence in three forms: binary, hex and Trustee's tdx JSON with a CC event log")
    func evidenceForms() throws {
        let bytes = try Sample.dcapqvlTDX.quoteBytes()
        #expect(try QuoteEvidence.parse(bytes).quoteBytes == bytes)
        #expect(try QuoteEvidence.parse(Array(Hex.encode(bytes).utf8)).quoteBytes == bytes)
        let log = try Fixtures.bytes("tdx/gotdxguest-cos113-ccel/ccel_data.dat")
        let json = "{\"quote\": \"\(Base64.encode(bytes))\", \"cc_eventlog\": \"\(Base64.encode(log))\"}"
        let evidence = try QuoteEvidence.parse(Array(json.utf8))
        #expect(evidence.quoteBytes == bytes)
        #expect(evidence.eventLog == log)
        #expect(try QuoteEvidence.parse(Array("{\"quote\": \"\(Base64.encode(bytes))\", \"cc_eventlog\": null}".utf8)).eventLog == nil)
        #expect(throws: TDXError(.malformedEvidence, "")) { try QuoteEvidence.parse(Array("{\"quote\": 1}".utf8)) }
    }

    @Test("a quote without TCB collateral: signatures, QE binding and PCK chain to the Intel root still verify")
    func signaturesOnly() throws {
        let quote = try Quote(bytes: try Self.cos113.quoteBytes())
        let pck = try DCAPVerifier().verifySignatures(quote, root: try IntelRootCA.bundled(), at: Self.cos113.date())
        #expect(Hex.encode(pck.fmspc) == "00806f050000")
    }
}
