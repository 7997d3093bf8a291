import HermeticCore

/// The verifiers a deployment accepts, by TEE. The `sample` TEE is refused unless explicitly allowed.
public struct VerifierRegistry: Sendable {
    /// Why a TEE cannot be verified.
    public struct Refusal: ClassifiedError {
        public let kind: FailureKind = .malformed
        public let description: String
    }

    private var verifiers: [TEE: any AttestationVerifier] = [:]
    /// Whether the development-only `sample` TEE may be used.
    public let allowSample: Bool

    /// Creates an empty registry.
    ///
    /// - Parameter allowSample: allow the `sample` TEE (development and CI only).
    public init(allowSample: Bool = false) {
        self.allowSample = allowSample
        if allowSample { verifiers[.sample] = SampleVerifier() }
    }

    /// Adds or replaces the verifier of its TEE. A sample verifier is ignored unless samples are allowed.
    public mutating func register(_ verifier: any AttestationVerifier) {
        guard verifier.tee != .sample || allowSample else { return }
        verifiers[verifier.tee] = verifier
    }

    /// The verifier for `tee`.
    ///
    /// - Throws: ``Refusal`` when the TEE is `sample` and samples are not allowed, or no verifier is registered.
    public func verifier(for tee: TEE) throws -> any AttestationVerifier {
        if tee == .sample, !allowSample {
            throw Refusal(description: "sample: the sample TEE is for development only and is refused unless allowed (--allow-sample)")
        }
        guard let verifier = verifiers[tee] else {
            throw Refusal(description: "\(tee.rawValue): no verifier for this TEE yet")
        }
        return verifier
    }
}
