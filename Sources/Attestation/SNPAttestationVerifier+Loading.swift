import Foundation
import HermeticCore
import PolicyYAML
import SEVSNP

extension SNPAttestationVerifier {
    /// A verifier configured from files, as the CLI and the server take them: collateral files and directories
    /// (certificates, chains that replace the bundled roots, CRLs, offline VCEK stores) and an optional policy file.
    ///
    /// - Throws: ``SNPError`` naming the file that cannot be read.
    public init(collateralPaths: [String], policyPath: String?, verifier: SNPVerifier = SNPVerifier()) throws {
        let collateral = try SNPCollateral.load(paths: collateralPaths)
        let overrides = try AMDTrustStore(certificates: collateral.rootOverrides)
        var policy = SNPPolicy()
        if let policyPath {
            guard let data = FileManager.default.contents(atPath: policyPath), let text = String(data: data, encoding: .utf8) else {
                throw SNPError(.malformedPolicy, "cannot read policy \(policyPath)")
            }
            policy = try SNPPolicy(yaml: text)
        }
        self.init(
            trustStore: try AMDTrustStore.bundled().overridden(by: overrides),
            collateral: collateral, policy: policy, verifier: verifier
        )
    }
}
