import Crypto
import Foundation
import HermeticCore
import PKI
import TDX
import TPM

/// Verifies Azure TDX confidential VM evidence: the TD quote's signature, QE report and PCK chain to Intel's root
/// (``DCAPVerifier/verifySignatures(_:root:at:)``), the quote body equal to the TDREPORT in the HCL report,
/// report_data[0:32] = SHA-256(runtime JSON), the vTPM quote with the AK from that JSON, and PCR 8 against the
/// init-data digest.
///
/// The platform's TCB is not appraised: Azure's TDX hosts (FMSPC 00806f050000 in the samples) have no TCB info at
/// hand, so the claims say `tcb_status: "NotAppraised"` with the reason instead of failing.
public struct AzureTDXVTPMVerifier: Sendable {
    /// The Intel SGX root the PCK chain must reach.
    public let root: X509Certificate
    private let dcap = DCAPVerifier()

    /// Creates the verifier with the bundled Intel SGX Root CA unless another root is given.
    ///
    /// - Throws: ``TDXError`` when the bundled root does not parse.
    public init(root: X509Certificate? = nil) throws {
        self.root = try root ?? IntelRootCA.bundled()
    }

    /// The TDREPORT (TDX module ABI: REPORTMACSTRUCT, TEE_TCB_INFO, TDINFO) fields the quote body repeats, with their
    /// offsets in the 1024-byte report: (name, TDREPORT offset, length, value in the quote body).
    static func tdReportFields(_ body: TDReportBody) -> [(String, Int, [UInt8])] {
        var fields: [(String, Int, [UInt8])] = [
            ("report_data", 128, body.reportData),
            ("tee_tcb_svn", 256 + 8, body.teeTCBSVN), ("mr_seam", 256 + 24, body.mrSeam), ("mrsigner_seam", 256 + 72, body.mrSignerSeam),
            ("seam_attributes", 256 + 120, body.seamAttributes),
            ("td_attributes", 512, body.tdAttributes.bytes), ("xfam", 512 + 8, body.xfam), ("mr_td", 512 + 16, body.mrTD),
            ("mr_config_id", 512 + 64, body.mrConfigID), ("mr_owner", 512 + 112, body.mrOwner), ("mr_owner_config", 512 + 160, body.mrOwnerConfig),
        ]
        for (index, rtmr) in body.rtmrs.enumerated() { fields.append(("rtmr_\(index)", 512 + 208 + 48 * index, rtmr)) }
        return fields
    }

    /// Verifies `evidence` and returns Trustee-named claims: the TD quote's, `report_data` and `init_data` from the
    /// vTPM quote, the vTPM's PCRs under `tpm`, and `tcb_status`/`tcb_status_reason`.
    ///
    /// - Throws: ``TPMError`` (prefix `az-tdx-vtpm`) or ``TDXError``.
    public func verify(_ evidence: AzureVTPMEvidence, expectedReportData: ExpectedData, expectedInitData: ExpectedData, at time: Date) throws -> [String: JSONValue] {
        do {
            guard evidence.hclReport.reportType == .tdx else { throw TPMError(.malformedEvidence, "the HCL report holds an SNP report, not a TDREPORT") }
            guard let bytes = evidence.tdQuote else { throw TPMError(.malformedEvidence, "the evidence carries no td_quote") }
            let quote = try Quote(bytes: bytes)
            guard case .td(let body) = quote.body else { throw TPMError(.malformedEvidence, "td_quote holds an SGX report, not a TD report") }
            _ = try dcap.verifySignatures(quote, root: root, at: time)
            let report = evidence.hclReport.hardwareReport
            for (name, offset, value) in Self.tdReportFields(body) {
                guard offset + value.count <= report.count, ConstantTime.equals(report[offset..<offset + value.count], value) else {
                    throw TPMError(.reportData, "the TD quote's \(name) differs from the HCL report's TDREPORT")
                }
            }
            let runtimeHash = Array(SHA256.hash(data: evidence.hclReport.runtimeData))
            guard ConstantTime.equals(body.reportData.prefix(32), runtimeHash) else {
                throw TPMError(.reportData, "the TD report_data does not bind the HCL runtime data (SHA-256 \(Hex.encode(runtimeHash)))")
            }
            let key = try evidence.hclReport.attestationKey()
            try QuoteVerifier.verify(evidence.quote, key: key, expectedNonce: expectedReportData)
            try TPMClaims.checkInitData(evidence.quote.pcrs, expected: expectedInitData)
            var claims = DCAPClaims.unappraisedTDClaims(of: quote) ?? [:]
            let tpm = TPMClaims.claims(quote: evidence.quote, key: key)
            claims["tpm"] = .object(tpm.filter { $0.key.hasPrefix("pcr") && $0.key != "pcrs" })
            claims["report_data"] = tpm["report_data"]
            claims["init_data"] = tpm["init_data"]
            claims["runtime_data"] = (try? JSONValue(parsing: evidence.hclReport.runtimeData)) ?? .null
            claims["tcb_status"] = .string("NotAppraised")
            claims["tcb_status_reason"] = .string("no TCB info for FMSPC \(Self.fmspc(of: quote) ?? "?"): quote signature, QE report and PCK chain to the Intel root were checked; the platform TCB level was not")
            return claims
        } catch let error as TPMError {
            throw error.reported(as: "az-tdx-vtpm")
        }
    }

    private static func fmspc(of quote: Quote) -> String? {
        guard let chain = try? PEMFile.derDocuments(in: Array(quote.signatureData.pckCertificateChain.prefix { $0 != 0 }), labels: ["CERTIFICATE"]),
              let leaf = chain.first, let certificate = try? X509Certificate(derEncoded: leaf), let pck = try? PCKExtensions(certificate: certificate)
        else { return nil }
        return Hex.encode(pck.fmspc)
    }
}
