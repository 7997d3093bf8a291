/// Why a verification did not succeed, in the three classes a caller must tell apart.
///
/// The CLI maps them to exit codes (1, 2, 3) and the HTTP edge to 401/403, 400 and 503.
public enum FailureKind: Sendable, Hashable {
    /// The input was well-formed and was checked, and a check failed: the evidence is not trusted.
    case rejected
    /// The input could not be read: truncated, malformed, of the wrong type or size.
    case malformed
    /// Collateral needed to decide (a VCEK, a CRL) is not at hand: no verdict either way.
    case collateralUnavailable
}

/// An error that says which ``FailureKind`` it is and prints as one line naming the failed check.
public protocol ClassifiedError: Error, CustomStringConvertible, Sendable {
    /// The class of the failure.
    var kind: FailureKind { get }
}
