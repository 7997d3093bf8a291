import HermeticCore

/// A pod that cannot be prepared or run.
public struct PodError: ClassifiedError, Equatable {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// An input (init-data, agent, golden file) is missing or malformed.
        case badInput = "bad_input"
        /// The agent reported that no key was released.
        case refused
        /// A host resource (a socket) is not available.
        case unavailable
    }

    /// The code.
    public let code: Code
    /// What happened.
    public let message: String

    /// An error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var kind: FailureKind {
        switch code {
        case .badInput: .malformed
        case .refused: .rejected
        case .unavailable: .collateralUnavailable
        }
    }

    public static func == (lhs: PodError, rhs: PodError) -> Bool { lhs.code == rhs.code }

    public var description: String { "pod: \(message)" }
}
