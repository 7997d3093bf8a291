#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// What a verification of DCAP evidence is asked to check beyond the quote's authenticity.
public struct DCAPVerificationOptions: Sendable {
    /// The instant at which collateral and certificates must be valid.
    public var time: Date
    /// The REPORT_DATA the quote must carry (zero-padded to 64 bytes), or `.notProvided`.
    public var expectedReportData: ExpectedData
    /// The init-data digest MRCONFIGID (TDX, padded to 48 bytes) or CONFIGID (SGX, 64 bytes) must carry.
    public var expectedInitData: ExpectedData
    /// The validation policy.
    public var policy: DCAPPolicy

    /// Creates options; by default nothing is expected and the default policy applies.
    public init(time: Date, expectedReportData: ExpectedData = .notProvided, expectedInitData: ExpectedData = .notProvided, policy: DCAPPolicy = DCAPPolicy()) {
        self.time = time
        self.expectedReportData = expectedReportData
        self.expectedInitData = expectedInitData
        self.policy = policy
    }
}

extension DCAPVerifier {
    /// Verifies evidence end to end: the quote (``verify(_:collateral:at:)``), the report-data and init-data
    /// bindings, the CC event log's replay against the RTMRs when the evidence carries one, the TCB verdict and the
    /// policy.
    ///
    /// - Parameter tee: `tdx` or `sgx`; a quote of the other kind is refused.
    /// - Returns: the verified quote and its claims.
    /// - Throws: ``TDXError`` naming the first failed check, printed with the `tee` prefix.
    public func verify(
        _ evidence: QuoteEvidence, tee: String, collateral: CheckedCollateral, options: DCAPVerificationOptions
    ) throws -> (quote: VerifiedQuote, claims: [String: JSONValue]) {
        do {
            let quote = evidence.quote
            guard quote.isTDX == (tee == "tdx") else {
                throw TDXError(.unsupported, "the evidence is a\(quote.isTDX ? " TDX" : "n SGX") quote (version \(quote.header.version)), not \(tee)")
            }
            let verified = try verify(quote, collateral: collateral, at: options.time)
            try Self.checkExpectations(quote, options: options)
            var claims = DCAPClaims.claims(of: verified)
            if let log = evidence.eventLog, let report = quote.tdReport {
                let eventLog = try CCEventLog(bytes: log)
                try eventLog.checkReplay(against: report.rtmrs)
                claims["uefi_event_logs"] = eventLog.claims
            }
            if let reason = options.policy.rejection(of: verified.verdict) {
                throw TDXError(.tcbStatus, reason)
            }
            let violations = options.policy.violations(of: quote)
            guard violations.isEmpty else {
                throw TDXError(.policy, "policy: " + violations.map(\.description).joined(separator: "; "))
            }
            return (verified, claims)
        } catch let error as TDXError {
            throw error.reported(as: tee)
        }
    }

    private static func checkExpectations(_ quote: Quote, options: DCAPVerificationOptions) throws {
        if let expected = options.expectedReportData.fitted(to: 64), !ConstantTime.equals(expected, quote.reportData) {
            throw TDXError(.reportData, "REPORT_DATA \(Hex.encode(quote.reportData)) differs from the expected \(Hex.encode(expected))")
        }
        switch quote.body {
        case .td(let report):
            if let expected = options.expectedInitData.fitted(to: 48), !ConstantTime.equals(expected, report.mrConfigID) {
                throw TDXError(.initData, "MRCONFIGID \(Hex.encode(report.mrConfigID)) differs from the expected init-data digest \(Hex.encode(expected))")
            }
        case .sgx(let report):
            if let expected = options.expectedInitData.fitted(to: 64), !ConstantTime.equals(expected, report.configID) {
                throw TDXError(.initData, "CONFIGID \(Hex.encode(report.configID)) differs from the expected init-data digest \(Hex.encode(expected))")
            }
        }
    }
}
