import HermeticCore

/// The process exit codes, documented in the README.
enum ExitStatus: Int32 {
    /// The evidence verified.
    case success = 0
    /// The evidence was checked and a check failed.
    case rejected = 1
    /// Bad usage, or input that cannot be read.
    case badInput = 2
    /// Collateral needed for a verdict is missing.
    case collateralUnavailable = 3

    init(_ kind: FailureKind) {
        switch kind {
        case .rejected: self = .rejected
        case .malformed: self = .badInput
        case .collateralUnavailable: self = .collateralUnavailable
        }
    }
}
