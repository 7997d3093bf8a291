import Foundation
import HermeticCore
import PKI
import Testing
import TestSupport
@testable import TDX

@Suite("Real TDX and SGX quotes against their DCAP collateral")
struct RealSampleVerificationTests {
    /// Accepts every TCB status, so the verdict itself can be compared.
    static let anyStatus: DCAPPolicy = {
        var policy = DCAPPolicy()
        policy.acceptedTCBStatuses = Set(TCBStatus.allCases)
        return policy
    }()

    /// The TCB check recorded for a sample: the entry under `checks` whose `suggested_now` is the sample's time.
    static func tcbCheck(_ sample: Sample) throws -> JSONValue {
        let checks = try #require(try sample.expectedEntry()["checks"]?.objectValue)
        return try #require(checks.values.first { $0["suggested_now"]?.stringValue == sample.time }?["tcb"])
    }

    @Test("every genuine sample verifies at its suggested time with the status and advisories of EXPECTED.json", arguments: Sample.genuine)
    func genuine(sample: Sample) throws {
        let evidence = try QuoteEvidence.parse(try sample.quoteBytes())
        let tee = evidence.quote.isTDX ? "tdx" : "sgx"
        let (verified, claims) = try DCAPVerifier().verify(
            evidence, tee: tee, collateral: try sample.checked(), options: DCAPVerificationOptions(time: sample.date(), policy: Self.anyStatus)
        )
        let tcb = try Self.tcbCheck(sample)
        let platform = try #require(tcb["platform_tcb"])
        #expect(verified.platformStatus.rawValue == platform["status"]?.stringValue)
        #expect(verified.verdict.tcbDate == platform["tcbDate"]?.stringValue)
        #expect(verified.qeStatus.rawValue == tcb["qe_identity"]?["status"]?.stringValue)
        #expect(Int(verified.quote.signatureData.qeReport.isvSVN) == tcb["qe_identity"]?["qe_isvsvn"]?.intValue.map(Int.init))
        if let module = tcb["tdx_module"] {
            #expect(verified.moduleStatus?.rawValue == module["status"]?.stringValue)
        }
        let advisories = (platform["advisoryIDs"]?.arrayValue ?? []) + (tcb["tdx_module"]?["advisoryIDs"]?.arrayValue ?? [])
        #expect(Set(verified.verdict.advisoryIDs) == Set(advisories.compactMap(\.stringValue)))
        #expect(claims["tcb_status"]?.stringValue == verified.verdict.status.rawValue)
        #expect(claims["report_data"]?.stringValue == (try sample.expectedEntry())["fields"]?["report_data"]?.stringValue)
    }
}
