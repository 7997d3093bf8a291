#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// Everything a verification depends on besides the evidence, made explicit: no clock or network is read behind
/// the caller's back.
public struct SNPVerificationOptions: Sendable {
    /// The time at which certificates and CRLs must be valid.
    public var time: Date
    /// The roots of trust.
    public var trustStore: AMDTrustStore
    /// Endorsement keys, CRLs and VCEK sources the caller supplies.
    public var collateral: SNPCollateral
    /// The REPORT_DATA the report must carry (zero-padded to 64 bytes).
    public var expectedReportData: ExpectedData
    /// The HOST_DATA (init-data digest) the report must carry (fitted to 32 bytes).
    public var expectedHostData: ExpectedData
    /// The validation policy.
    public var policy: SNPPolicy

    /// Creates options.
    ///
    /// - Parameters:
    ///   - time: the verification time; collateral is checked at this instant.
    ///   - trustStore: the roots; pass `try AMDTrustStore.bundled()` for AMD's.
    ///   - collateral: what the caller supplies.
    ///   - expectedReportData: the freshness binding to check, if any.
    ///   - expectedHostData: the init-data binding to check, if any.
    ///   - policy: the validation policy (default: debugging and migration agents forbidden).
    public init(
        time: Date, trustStore: AMDTrustStore, collateral: SNPCollateral = SNPCollateral(),
        expectedReportData: ExpectedData = .notProvided, expectedHostData: ExpectedData = .notProvided,
        policy: SNPPolicy = SNPPolicy()
    ) {
        self.time = time
        self.trustStore = trustStore
        self.collateral = collateral
        self.expectedReportData = expectedReportData
        self.expectedHostData = expectedHostData
        self.policy = policy
    }
}
