import Foundation
import HermeticCore
import PolicyYAML
import SEVSNP
import Testing
import TestSupport

@Suite("Validation policy")
struct PolicyTests {
    let verifier = SNPVerifier()

    func verify(_ report: [UInt8], policy: SNPPolicy, chip: FakeSNPChip) async throws -> VerifiedSNPReport {
        var collateral = SNPCollateral()
        collateral.endorsementKeys = [chip.vcek, chip.vlek]
        let options = SNPVerificationOptions(time: FakeSNPChip.validTime, trustStore: chip.trustStore, collateral: collateral, policy: policy)
        return try await verifier.verify(try SNPEvidence.parse(report), options: options)
    }

    @Test("a policy file in YAML and the same in JSON read alike")
    func parsing() throws {
        let yaml = try SNPPolicy(yaml: """
            measurements: [\(String(repeating: "a5", count: 48))]
            minimum_tcb: {bootloader: 3, snp: 8, microcode: 115}
            minimum_guest_svn: 2
            allowed_vmpls: [0, 1]
            signer: vcek
            allow_smt: false
            require_single_socket: true
            """)
        let json = try SNPPolicy(yaml: """
            {"measurements": ["\(String(repeating: "a5", count: 48))"], "minimum_tcb": {"bootloader": 3, "snp": 8, "microcode": 115},
             "minimum_guest_svn": 2, "allowed_vmpls": [0, 1], "signer": "vcek", "allow_smt": false, "require_single_socket": true}
            """)
        #expect(yaml == json)
        #expect(yaml.minimumTCB == SNPPolicy.MinimumTCB(bootloader: 3, snp: 8, microcode: 115))
        #expect(yaml.allowDebug == false)
    }

    @Test("bad policy files are refused, naming the field", arguments: [
        ("allow_debugging: true", "unknown field \"allow_debugging\""),
        ("measurements: [abcd]", "measurements holds \"abcd\""),
        ("minimum_tcb: {bootloader: 300}", "minimum_tcb.bootloader must be an integer in 0...255"),
        ("signer: amd", "signer must be vcek, vlek or any"),
        ("- 1", "not a mapping"),
    ])
    func badPolicies(text: String, message: String) {
        let error = #expect(throws: SNPError.self) { try SNPPolicy(yaml: text) }
        #expect(error?.code == .malformedPolicy)
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test("a compliant report passes a strict policy")
    func compliant() async throws {
        let chip = try Chips.milan.get()
        let policy = try SNPPolicy(yaml: """
            measurements: [\(String(repeating: "a5", count: 48))]
            minimum_tcb: {bootloader: 3, tee: 0, snp: 8, microcode: 115}
            allowed_vmpls: [0]
            allowed_chip_ids: [\(Hex.encode(chip.chipID))]
            signer: vcek
            """)
        _ = try await verify(try chip.report(), policy: policy, chip: chip)
    }

    @Test("every violation is reported at once, with the value seen and the value allowed")
    func violations() async throws {
        let chip = try Chips.milan.get()
        let policy = try SNPPolicy(yaml: """
            measurements: [\(String(repeating: "00", count: 48))]
            minimum_tcb: {snp: 9}
            minimum_guest_svn: 5
            allowed_vmpls: [0]
            allowed_chip_ids: [\(String(repeating: "11", count: 64))]
            signer: vlek
            allow_smt: false
            require_single_socket: true
            """)
        let report = try chip.report {
            $0.vmpl = 2
            $0.guestSVN = 4
            $0.policy = GuestPolicy(rawValue: 0x30000 | 1 << 19 | 1 << 18)
        }
        let error = await #expect(throws: SNPError.self) { try await verify(report, policy: policy, chip: chip) }
        let message = error?.description ?? ""
        #expect(error?.code == .policy)
        for expected in [
            "policy_debug_allowed is true, allowed false", "policy_migrate_ma is true, allowed false",
            "policy_smt_allowed is true, allowed false", "platform_smt_enabled is true, allowed false",
            "policy_single_socket is false, allowed true", "measurement is \(String(repeating: "a5", count: 48)), allowed \(String(repeating: "00", count: 48))",
            "guest_svn is 4, allowed >= 5", "vmpl is 2, allowed one of 0", "chip_id is \(Hex.encode(chip.chipID))",
            "signer is VCEK, allowed VLEK", "reported_tcb_snp is 8, allowed >= 9",
        ] {
            #expect(message.contains(expected), "missing: \(expected)")
        }
    }

    @Test("debugging and migration agents are allowed only when the policy says so")
    func explicitAllowances() async throws {
        let chip = try Chips.milan.get()
        let report = try chip.report { $0.policy = GuestPolicy(rawValue: 0x30000 | 1 << 19 | 1 << 18) }
        var policy = SNPPolicy()
        policy.allowDebug = true
        await #expect(throws: SNPError.self) { try await verify(report, policy: policy, chip: chip) }
        policy.allowMigrationAgent = true
        _ = try await verify(report, policy: policy, chip: chip)
    }
}
