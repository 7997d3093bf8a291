import Foundation
import HermeticCore
import PKI
import SEVSNP
import Testing
import TestSupport

@Suite("Real SNP evidence")
struct RealSampleVerificationTests {
    let verifier = SNPVerifier()

    @Test("every genuine sample verifies at a time inside its window and yields the expected fields", arguments: RealSample.genuine)
    func genuineSampleVerifies(sample: RealSample) async throws {
        let evidence = try SNPEvidence.parse(try sample.evidenceBytes())
        let verified = try await verifier.verify(evidence, options: try sample.options(policy: debugTolerantPolicy))
        let claims = verified.claims
        let fields = try #require(try sample.expected["fields"])
        #expect(claims["measurement"]?.stringValue == fields["measurement"]?.stringValue)
        #expect(claims["report_data"]?.stringValue == fields["report_data"]?.stringValue)
        #expect(claims["init_data"]?.stringValue == fields["host_data"]?.stringValue)
        #expect(claims["chip_id"]?.stringValue == fields["chip_id"]?.stringValue)
        #expect(claims["family_id"]?.stringValue == fields["family_id"]?.stringValue)
        #expect(claims["image_id"]?.stringValue == fields["image_id"]?.stringValue)
        #expect(claims["id_key_digest"]?.stringValue == fields["id_key_digest"]?.stringValue)
        #expect(claims["report_id"]?.stringValue == fields["report_id"]?.stringValue)
        #expect(claims["reported_tcb"]?.stringValue == fields["reported_tcb"]?.stringValue)
        #expect(claims["current_tcb"]?.stringValue == fields["current_tcb"]?.stringValue)
        #expect(claims["committed_tcb"]?.stringValue == fields["committed_tcb"]?.stringValue)
        #expect(claims["launch_tcb"]?.stringValue == fields["launch_tcb"]?.stringValue)
        #expect(claims["version"]?.intValue == fields["version"]?.intValue)
        #expect(claims["vmpl"]?.intValue == fields["vmpl"]?.intValue)
        #expect(claims["guest_svn"]?.intValue == fields["guest_svn"]?.intValue)
        #expect(claims["signing_key"]?.stringValue == fields["signing_key"]?.stringValue)
        #expect(claims["policy_debug_allowed"]?.boolValue == fields["debug_allowed"]?.boolValue)
        #expect(claims["guest_policy"]?.intValue == Int64(fields["policy"]?.stringValue?.dropFirst(2) ?? "", radix: 16))
        #expect(claims["platform_info"]?.intValue == Int64(fields["platform_info"]?.stringValue?.dropFirst(2) ?? "", radix: 16))
        for component in ["bootloader", "tee", "snp", "microcode"] {
            #expect(claims["reported_tcb_\(component)"]?.intValue == fields["reported_tcb_decoded"]?[component]?.intValue)
        }
        if let family = fields["cpuid_fam_id"]?.intValue {
            #expect(claims["cpuid_fam_id"]?.intValue == family)
            #expect(claims["cpuid_mod_id"]?.intValue == fields["cpuid_mod_id"]?.intValue)
        }
    }

    @Test("Trustee's typed claim shapes: integers, Booleans and lowercase hex")
    func claimTypesMatchTrustee() async throws {
        let sample = RealSample.genuine[2]
        let verified = try await verifier.verify(try SNPEvidence.parse(try sample.evidenceBytes()), options: try sample.options())
        let claims = verified.claims
        for name in ["policy_abi_major", "policy_abi_minor", "reported_tcb_bootloader", "reported_tcb_tee", "reported_tcb_snp", "reported_tcb_microcode"] {
            guard case .int = claims[name] else { Issue.record("\(name) is not an integer"); continue }
        }
        for name in ["policy_smt_allowed", "policy_migrate_ma", "policy_debug_allowed", "policy_single_socket", "platform_tsme_enabled", "platform_smt_enabled"] {
            guard case .bool = claims[name] else { Issue.record("\(name) is not a Boolean"); continue }
        }
        for name in ["measurement", "report_data", "init_data", "chip_id"] {
            let value = try #require(claims[name]?.stringValue)
            #expect(value == value.lowercased() && Hex.decode(value) != nil)
        }
    }

    @Test("the debug guest policy is rejected by the default policy, naming the field")
    func debugPolicyRejected() async throws {
        let sample = RealSample.genuine[0]
        let error = await #expect(throws: SNPError.self) {
            try await verifier.verify(try SNPEvidence.parse(try sample.evidenceBytes()), options: try sample.options())
        }
        #expect(error?.code == .policy)
        #expect(error?.description.contains("policy_debug_allowed is true, allowed false") == true)
    }

    @Test("the invalid VCEKs are rejected: not signed by the ASK", arguments: [
        "snp/trustee-milan-vcek/test-vcek-invalid-legacy.der", "snp/trustee-milan-vcek/test-vcek-invalid-new.der",
    ])
    func invalidVCEKRejected(path: String) async throws {
        let sample = RealSample.genuine[2]
        var options = try sample.options()
        options.collateral = SNPCollateral()
        try options.collateral.add(file: Fixtures.url(path))
        let error = await #expect(throws: SNPError.self) {
            try await verifier.verify(try SNPEvidence.parse(try sample.evidenceBytes()), options: options)
        }
        #expect(error?.code == .certificateChain)
        #expect(error?.description == "snp: VCEK is not signed by the ASK \"SEV-Milan\" of Milan")
    }

    @Test("a VLEK report with a VCEK, and a VCEK report with a VLEK, are rejected for the signer kind")
    func reportAndEndorsementKeyKindMismatch() async throws {
        let vlekReport = try SNPEvidence.parse(try Fixtures.bytes("snp/trustee-vlek/test-vlek-report.bin"))
        var options = try RealSample.genuine[3].options()
        options.collateral = SNPCollateral()
        try options.collateral.add(file: Fixtures.url("snp/trustee-milan-vcek/test-vcek.der"))
        let first = await #expect(throws: SNPError.self) { try await verifier.verify(vlekReport, options: options) }
        #expect(first?.code == .signerKind)

        let vcekReport = try SNPEvidence.parse(try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin"))
        options.collateral = SNPCollateral()
        try options.collateral.add(file: Fixtures.url("snp/trustee-vlek/test-vlek.der"))
        let second = await #expect(throws: SNPError.self) { try await verifier.verify(vcekReport, options: options) }
        #expect(second?.code == .signerKind)
    }

    @Test("another chip's VCEK is rejected: its TCB or hwID does not match")
    func foreignVCEKRejected() async throws {
        let report = try SNPEvidence.parse(try Fixtures.bytes("snp/trustee-milan-vcek/test-report.bin"))
        var options = try RealSample.genuine[2].options()
        options.collateral = SNPCollateral()
        try options.collateral.add(file: Fixtures.url("snp/virtee-milan-vcek/vcek_milan.der"))
        let error = await #expect(throws: SNPError.self) { try await verifier.verify(report, options: options) }
        #expect(error?.code == .chipIDMismatch)
        #expect(error?.description.contains("differs from the report's chip ID c38427a3…") == true)

        options.collateral = SNPCollateral()
        try options.collateral.add(file: Fixtures.url("snp/gosevguest-milan-vcek/vcek.der"))
        let tcb = await #expect(throws: SNPError.self) { try await verifier.verify(report, options: options) }
        #expect(tcb?.code == .tcbMismatch)
    }

    @Test("outside the validity window the expired certificate is named")
    func outsideValidityWindow() async throws {
        let sample = RealSample.genuine[2]
        let evidence = try SNPEvidence.parse(try sample.evidenceBytes())
        let late = await #expect(throws: SNPError.self) {
            try await verifier.verify(evidence, options: try sample.options(at: Fixtures.time("2031-01-01T00:00:00Z")))
        }
        #expect(late?.code == .certificateValidity)
        #expect(late?.description == "snp: VCEK certificate \"SEV-VCEK\" is not valid at 2031-01-01T00:00:00Z (valid 2023-01-24T17:58:26Z to 2030-01-24T17:58:26Z)")
        let early = await #expect(throws: SNPError.self) {
            try await verifier.verify(evidence, options: try sample.options(at: Fixtures.time("2022-01-01T00:00:00Z")))
        }
        #expect(early?.code == .certificateValidity)

        let vlek = RealSample.genuine[3]
        let expiredVLEK = await #expect(throws: SNPError.self) {
            try await verifier.verify(try SNPEvidence.parse(try vlek.evidenceBytes()), options: try vlek.options(at: Fixtures.time("2026-01-01T00:00:00Z")))
        }
        #expect(expiredVLEK?.description.hasPrefix("snp: VLEK certificate \"SEV-VLEK\" is not valid at 2026-01-01T00:00:00Z") == true)
    }

    @Test("a report whose VCEK is not at hand cannot be decided")
    func missingVCEK() async throws {
        let evidence = try SNPEvidence.parse(try Fixtures.bytes("snp/tinfoil-genoa-no-vcek/report.bin"))
        let options = SNPVerificationOptions(time: Fixtures.time("2026-01-01T00:00:00Z"), trustStore: try AMDTrustStore.bundled())
        let error = await #expect(throws: SNPError.self) { try await verifier.verify(evidence, options: options) }
        #expect(error?.code == .endorsementKeyUnavailable)
        #expect(error?.kind == .collateralUnavailable)
        #expect(error?.description.contains("https://kdsintf.amd.com/vcek/v1/Genoa/1af1aa6c") == true)
    }

    @Test("expected report data and host data are checked")
    func expectations() async throws {
        let sample = RealSample.genuine[2]
        let evidence = try SNPEvidence.parse(try sample.evidenceBytes())
        var options = try sample.options()
        options.expectedReportData = .value(Hex.decode("ec6c52d7533cc2c4f45be7849cf112ab82b2009fe7bd43e71ed08c14400ad7e2") ?? [])
        options.expectedHostData = .value([UInt8](repeating: 0, count: 32))
        _ = try await verifier.verify(evidence, options: options)

        options.expectedReportData = .value([0xEC, 0x6D])
        let wrongNonce = await #expect(throws: SNPError.self) { try await verifier.verify(evidence, options: options) }
        #expect(wrongNonce?.code == .reportData)

        options.expectedReportData = .notProvided
        options.expectedHostData = .value([1])
        let wrongHostData = await #expect(throws: SNPError.self) { try await verifier.verify(evidence, options: options) }
        #expect(wrongHostData?.code == .hostData)
    }
}
