#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// The claims of a verified quote, named and typed as Trustee's `tdx` and `sgx` verifiers emit them: the quote's
/// header and body fields as lowercase hex under `quote.header` / `quote.body` (TDX) or `header` / `body` (SGX),
/// `report_data`, `init_data`, `td_attributes.*` flags, and the DCAP verdict (`tcb_status`, `advisory_ids`,
/// `tcb_date`, collateral dates), so Trustee's Rego policies read them unchanged.
public enum DCAPClaims {
    /// The claims of `verified`.
    public static func claims(of verified: VerifiedQuote) -> [String: JSONValue] {
        var claims: [String: JSONValue]
        switch verified.quote.body {
        case .td(let report): claims = tdClaims(verified.quote, report)
        case .sgx(let report): claims = sgxClaims(verified.quote, report)
        }
        claims.merge(verdictClaims(verified)) { _, new in new }
        return claims
    }

    /// The claims of a TD quote whose TCB was not appraised (no TCB collateral for its platform): the body and
    /// header claims, without the verdict claims.
    public static func unappraisedTDClaims(of quote: Quote) -> [String: JSONValue]? {
        guard case .td(let report) = quote.body else { return nil }
        return tdClaims(quote, report)
    }

    private static func hex(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }

    private static func littleEndian(_ value: UInt16) -> JSONValue { hex([UInt8(value & 0xFF), UInt8(value >> 8)]) }

    private static func littleEndian(_ value: UInt32) -> JSONValue { hex((0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }) }

    private static func tdClaims(_ quote: Quote, _ report: TDReportBody) -> [String: JSONValue] {
        let header = quote.header
        var body: [String: JSONValue] = [
            "tcb_svn": hex(report.teeTCBSVN), "mr_seam": hex(report.mrSeam), "mrsigner_seam": hex(report.mrSignerSeam),
            "seam_attributes": hex(report.seamAttributes), "td_attributes": hex(report.tdAttributes.bytes), "xfam": hex(report.xfam),
            "mr_td": hex(report.mrTD), "mr_config_id": hex(report.mrConfigID), "mr_owner": hex(report.mrOwner),
            "mr_owner_config": hex(report.mrOwnerConfig), "report_data": hex(report.reportData),
        ]
        for (index, rtmr) in report.rtmrs.enumerated() { body["rtmr_\(index)"] = hex(rtmr) }
        if let svn2 = report.teeTCBSVN2, let serviceTD = report.mrServiceTD {
            body["tee_tcb_svn2"] = hex(svn2)
            body["mr_servicetd"] = hex(serviceTD)
        }
        var quoteClaims: [String: JSONValue] = [
            "header": .object([
                "version": littleEndian(header.version), "att_key_type": littleEndian(header.attestationKeyType),
                "tee_type": littleEndian(header.teeType), "reserved": hex(header.reserved),
                "vendor_id": hex(header.qeVendorID), "user_data": hex(header.userData),
            ]),
            "body": .object(body),
        ]
        if let type = quote.bodyType {
            quoteClaims["type"] = littleEndian(type)
            quoteClaims["size"] = littleEndian(UInt32(report.isTD15 ? TDReportBody.size15 : TDReportBody.size10))
        }
        let attributes = report.tdAttributes
        return [
            "quote": .object(quoteClaims),
            "td_attributes": .object([
                "debug": .bool(attributes.debug), "key_locker": .bool(attributes.keyLocker), "perfmon": .bool(attributes.perfmon),
                "protection_keys": .bool(attributes.protectionKeys), "septve_disable": .bool(attributes.septVEDisable),
            ]),
            "report_data": hex(report.reportData),
            "init_data": hex(report.mrConfigID),
        ]
    }

    private static func sgxClaims(_ quote: Quote, _ report: EnclaveReportBody) -> [String: JSONValue] {
        let header = quote.header
        return [
            "header": .object([
                "version": littleEndian(header.version), "att_key_type": littleEndian(header.attestationKeyType),
                "att_key_data_0": littleEndian(header.teeType), "qe_svn": hex(Array(header.reserved.prefix(2))),
                "pce_svn": hex(Array(header.reserved.suffix(2))), "vendor_id": hex(header.qeVendorID), "user_data": hex(header.userData),
            ]),
            "body": .object([
                "cpu_svn": hex(report.cpuSVN), "misc_select": littleEndian(report.miscSelect), "reserved1": hex(report.reserved1),
                "isv_ext_prod_id": hex(report.isvExtProdID), "attributes.flags": hex(Array(report.attributes.prefix(8))),
                "attributes.xfrm": hex(Array(report.attributes.suffix(8))), "mr_enclave": hex(report.mrEnclave),
                "reserved2": hex(report.reserved2), "mr_signer": hex(report.mrSigner), "reserved3": hex(report.reserved3),
                "config_id": hex(report.configID), "isv_prod_id": littleEndian(report.isvProdID), "isv_svn": littleEndian(report.isvSVN),
                "config_svn": littleEndian(report.configSVN), "reserved4": hex(report.reserved4), "isv_family_id": hex(report.isvFamilyID),
                "report_data": hex(report.reportData),
            ]),
            "report_data": hex(report.reportData),
            "init_data": hex(report.configID),
        ]
    }

    private static func verdictClaims(_ verified: VerifiedQuote) -> [String: JSONValue] {
        let pck = verified.pck
        var claims: [String: JSONValue] = [
            "tcb_status": .string(verified.verdict.status.rawValue),
            "advisory_ids": .array(verified.verdict.advisoryIDs.map { .string($0) }),
            "tcb_eval_num": .int(Int64(verified.tcbInfo.tcbEvaluationDataNumber)),
            "earliest_issue_date": .string(Timestamp.text(verified.earliestIssueDate)),
            "latest_issue_date": .string(Timestamp.text(verified.latestIssueDate)),
            "earliest_expiration_date": .string(Timestamp.text(verified.earliestExpirationDate)),
            "collateral_expiration_status": .string("0"),
            "platform_provider_id": hex(pck.ppid),
            "fmspc": hex(pck.fmspc),
            "sgx_type": .string(["Standard", "Scalable", "Scalable with Integrity"].indices.contains(pck.sgxType)
                ? ["Standard", "Scalable", "Scalable with Integrity"][pck.sgxType] : "Unknown (\(pck.sgxType))"),
        ]
        if let date = verified.verdict.tcbDate { claims["tcb_date"] = .string(date) }
        if let instance = pck.platformInstanceID { claims["platform_instance_id"] = hex(instance) }
        if pck.sgxType > 0, let configuration = pck.configuration {
            if let value = configuration.dynamicPlatform { claims["is_dynamic_platform"] = .bool(value) }
            if let value = configuration.cachedKeys { claims["is_cached_keys"] = .bool(value) }
            if let value = configuration.smtEnabled { claims["is_smt_enabled"] = .bool(value) }
        }
        return claims
    }
}
