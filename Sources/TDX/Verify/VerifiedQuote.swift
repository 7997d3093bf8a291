#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A quote that passed every DCAP check, with what was learned on the way.
public struct VerifiedQuote: Sendable {
    /// The quote.
    public let quote: Quote
    /// What the PCK certificate says about the platform.
    public let pck: PCKExtensions
    /// The converged TCB status and advisories.
    public let verdict: TCBVerdict
    /// The platform TCB level's status alone.
    public let platformStatus: TCBStatus
    /// The TDX module's status (versioned modules only).
    public let moduleStatus: TCBStatus?
    /// The QE's status.
    public let qeStatus: TCBStatus
    /// The TCB info used.
    public let tcbInfo: TCBInfo
    /// The QE identity used.
    public let qeIdentity: QEIdentity
    /// The earliest issue date among the collateral and certificates used.
    public let earliestIssueDate: Date
    /// The latest issue date among them.
    public let latestIssueDate: Date
    /// The earliest expiry among them: when this verification stops being repeatable.
    public let earliestExpirationDate: Date
}
