import Foundation
import HermeticCore
import PolicyYAML
import TDX

/// The `tdx` and `sgx` verifiers: DCAP quotes (raw, hex, or Trustee's evidence JSON) through ``DCAPVerifier``,
/// against collateral checked once when the verifier is made.
public struct DCAPAttestationVerifier: AttestationVerifier {
    /// `.tdx` or `.sgx`.
    public let tee: TEE
    /// The collateral, its signatures checked.
    public let collateral: CheckedCollateral
    /// The validation policy.
    public var policy: DCAPPolicy
    private let verifier: DCAPVerifier

    /// Creates the verifier.
    ///
    /// - Parameters:
    ///   - tee: `.tdx` or `.sgx`.
    ///   - collateral: the checked collateral.
    ///   - policy: the validation policy.
    ///   - verifier: the underlying verifier, whose PCK chain cache is shared.
    public init(tee: TEE, collateral: CheckedCollateral, policy: DCAPPolicy = DCAPPolicy(), verifier: DCAPVerifier = DCAPVerifier()) {
        self.tee = tee
        self.collateral = collateral
        self.policy = policy
        self.verifier = verifier
    }

    /// A verifier configured from files, as the CLI and the server take them: collateral files and directories
    /// (PCS responses or dcap-qvl JSON), an optional root certificate replacing the bundled Intel SGX Root CA, and
    /// an optional policy file.
    ///
    /// - Throws: ``TDXError`` naming the file that cannot be read or the collateral that does not verify.
    public init(tee: TEE, collateralPaths: [String], rootPath: String? = nil, policyPath: String?, verifier: DCAPVerifier = DCAPVerifier()) throws {
        do {
            var root = try IntelRootCA.bundled()
            if let rootPath {
                guard let data = FileManager.default.contents(atPath: rootPath),
                      let certificate = try DCAPCollateral.read([UInt8](data), name: rootPath).certificates.first
                else {
                    throw TDXError(.malformedCollateral, "cannot read a root certificate from \(rootPath)")
                }
                root = certificate
            }
            var policy = DCAPPolicy()
            if let policyPath {
                guard let data = FileManager.default.contents(atPath: policyPath), let text = String(data: data, encoding: .utf8) else {
                    throw TDXError(.malformedPolicy, "cannot read policy \(policyPath)")
                }
                policy = try DCAPPolicy(yaml: text)
            }
            let collateral = try CheckedCollateral(try DCAPCollateral.load(paths: collateralPaths), root: root)
            self.init(tee: tee, collateral: collateral, policy: policy, verifier: verifier)
        } catch let error as TDXError {
            throw error.reported(as: tee.rawValue)
        }
    }

    public func evaluate(
        evidence: [UInt8], expectedReportData: ExpectedData, expectedInitDataDigest: ExpectedData, at time: Date
    ) async throws -> [Claims] {
        let parsed: QuoteEvidence
        do { parsed = try QuoteEvidence.parse(evidence) } catch let error as TDXError { throw error.reported(as: tee.rawValue) }
        let options = DCAPVerificationOptions(time: time, expectedReportData: expectedReportData, expectedInitData: expectedInitDataDigest, policy: policy)
        let (_, claims) = try verifier.verify(parsed, tee: tee.rawValue, collateral: collateral, options: options)
        return [Claims(claims, deviceClass: .cpu)]
    }
}
