import HermeticCore

/// The verifiers a deployment accepts, by TEE. The development TEEs (`sample`, and the `sampledevice` stand-in GPU)
/// are refused unless explicitly allowed.
public struct VerifierRegistry: Sendable {
    /// Why a TEE cannot be verified.
    public struct Refusal: ClassifiedError {
        public let kind: FailureKind = .malformed
        public let description: String
    }

    private var verifiers: [TEE: any AttestationVerifier] = [:]
    /// Whether the development-only `sample` and `sampledevice` TEEs may be used.
    public let allowSample: Bool

    /// Creates an empty registry.
    ///
    /// - Parameter allowSample: allow the `sample` and `sampledevice` TEEs (development and CI only).
    public init(allowSample: Bool = false) {
        self.allowSample = allowSample
        if allowSample {
            verifiers[.sample] = SampleVerifier()
            verifiers[.sampleDevice] = SampleDeviceVerifier()
        }
    }

    private static let development: Set<TEE> = [.sample, .sampleDevice]

    /// Adds or replaces the verifier of its TEE. A development verifier is ignored unless samples are allowed.
    public mutating func register(_ verifier: any AttestationVerifier) {
        guard !Self.development.contains(verifier.tee) || allowSample else { return }
        verifiers[verifier.tee] = verifier
    }

    /// The verifier for `tee`.
    ///
    /// - Throws: ``Refusal`` when the TEE is `sample` and samples are not allowed, or no verifier is registered.
    public func verifier(for tee: TEE) throws -> any AttestationVerifier {
        if Self.development.contains(tee), !allowSample {
            throw Refusal(description: "\(tee.rawValue): the \(tee.rawValue) TEE is for development only and is refused unless allowed (--allow-sample)")
        }
        guard let verifier = verifiers[tee] else {
            throw Refusal(description: "\(tee.rawValue): no verifier for this TEE yet")
        }
        return verifier
    }
}
