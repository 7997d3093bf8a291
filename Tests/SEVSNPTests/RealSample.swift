import Foundation
import HermeticCore
import SEVSNP
import TestSupport

/// A genuine SNP sample from `Tests/Fixtures/snp`, with its expected values from `EXPECTED.json`.
struct RealSample: CustomStringConvertible, Sendable {
    let name: String
    let evidence: String
    let collateral: [String]
    let expectedKey: String

    var description: String { name }

    static let genuine: [RealSample] = [
        RealSample(name: "go-sev-guest Milan v2 (debug policy)", evidence: "snp/gosevguest-milan-vcek/attestation.bin",
                   collateral: ["snp/gosevguest-milan-vcek/vcek.der"], expectedKey: "snp/gosevguest-milan-vcek"),
        RealSample(name: "virtee Milan v2 (hex)", evidence: "snp/virtee-milan-vcek/report_milan.hex",
                   collateral: ["snp/virtee-milan-vcek/vcek_milan.der"], expectedKey: "snp/virtee-milan-vcek"),
        RealSample(name: "Trustee Milan v2", evidence: "snp/trustee-milan-vcek/test-report.bin",
                   collateral: ["snp/trustee-milan-vcek/test-vcek.der"], expectedKey: "snp/trustee-milan-vcek"),
        RealSample(name: "Trustee Milan v3 VLEK, VMPL 1", evidence: "snp/trustee-vlek/test-vlek-report.bin",
                   collateral: ["snp/trustee-vlek/test-vlek.der"], expectedKey: "snp/trustee-vlek"),
        RealSample(name: "Trustee Genoa/Siena v3, JSON with cert_chain", evidence: "snp/trustee-e2e-genoa-siena/evidence.json",
                   collateral: [], expectedKey: "snp/trustee-e2e-genoa-siena"),
        RealSample(name: "Trustee Genoa/Siena v3, rebuilt binary", evidence: "snp/trustee-e2e-genoa-siena/report.reconstructed.bin",
                   collateral: ["snp/trustee-e2e-genoa-siena/vcek.der"], expectedKey: "snp/trustee-e2e-genoa-siena"),
        RealSample(name: "Oak Genoa v5", evidence: "snp/oak-genoa-v5/report.bin",
                   collateral: ["snp/oak-genoa-v5/vcek.der"], expectedKey: "snp/oak-genoa-v5"),
        RealSample(name: "Trustee Milan v2, older JSON layout", evidence: "snp/trustee-e2e-milan-old-layout/evidence.json",
                   collateral: [], expectedKey: "snp/trustee-milan-vcek"),
    ]

    /// The entry of this sample in EXPECTED.json.
    var expected: JSONValue {
        get throws {
            let all = try JSONDecoder().decode(JSONValue.self, from: Data(Fixtures.bytes("snp/EXPECTED.json")))
            guard let entry = all[expectedKey] else { throw FixtureError.missing(expectedKey) }
            return entry
        }
    }

    /// The suggested verification time inside the sample's validity window.
    var time: Date {
        get throws {
            guard let text = try expected["checks"]?["suggested_now"]?.stringValue else { throw FixtureError.missing("suggested_now") }
            return Fixtures.time(text)
        }
    }

    func evidenceBytes() throws -> [UInt8] { try Fixtures.bytes(evidence) }

    func options(policy: SNPPolicy = SNPPolicy(), at time: Date? = nil) throws -> SNPVerificationOptions {
        var collateral = SNPCollateral()
        for path in self.collateral { try collateral.add(file: Fixtures.url(path)) }
        return SNPVerificationOptions(time: try time ?? self.time, trustStore: try AMDTrustStore.bundled(), collateral: collateral, policy: policy)
    }
}

enum FixtureError: Error {
    case missing(String)
}

/// A policy that accepts debug guests, for samples whose only flaw is the debug bit.
let debugTolerantPolicy: SNPPolicy = {
    var policy = SNPPolicy()
    policy.allowDebug = true
    return policy
}()
