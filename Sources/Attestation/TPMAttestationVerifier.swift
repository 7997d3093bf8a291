import Foundation
import HermeticCore
import TPM

/// The `tpm` verifier: TPM 2.0 quotes (Trustee's `tpm` evidence JSON, Hermetic's quote JSON, go-tpm-tools
/// protobuf) signed by an attestation key the operator trusts, directly or through an AK certificate chain.
public struct TPMAttestationVerifier: AttestationVerifier {
    public let tee: TEE = .tpm
    private let verifier: TPMVerifier

    /// Creates the verifier with the operator's trust.
    public init(trust: AKTrust) { verifier = TPMVerifier(trust: trust) }

    /// A verifier configured from files: attestation keys (SPKI PEM/DER, TPM2B_PUBLIC) and certificates as
    /// collateral, and roots for AK certificates.
    ///
    /// - Throws: ``TPMError`` naming a file that cannot be read or parsed.
    public init(collateralPaths: [String], rootPaths: [String] = []) throws {
        func read(_ paths: [String]) throws -> [(name: String, bytes: [UInt8])] {
            try paths.map { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw TPMError(.malformedCollateral, "cannot read \(path)")
                }
                return (path, [UInt8](data))
            }
        }
        self.init(trust: try AKTrust(files: try read(collateralPaths), rootFiles: try read(rootPaths)))
    }

    public func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        let parsed = try TPMEvidence.parse(evidence)
        let result = try verifier.verify(parsed, expectedNonce: expectedReportData, expectedInitData: expectedInitDataDigest, at: time)
        return [Claims(result.claims, deviceClass: .cpu)]
    }
}
