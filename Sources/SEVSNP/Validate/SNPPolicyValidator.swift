import HermeticCore

extension SNPPolicy {
    /// Every field of `report` this policy does not accept (empty when the report complies).
    ///
    /// - Parameters:
    ///   - report: the verified report.
    ///   - product: its product, for the TCB layout.
    ///   - signer: the kind of key that signed it.
    public func violations(of report: AttestationReport, product: SNPProduct, signer: EndorsementKey.Kind) -> [PolicyViolation] {
        var found: [PolicyViolation] = []
        func flag(_ field: String, _ seen: Bool, allowed: Bool) {
            if seen && !allowed { found.append(PolicyViolation(field: field, seen: "true", allowed: "false")) }
        }
        flag("policy_debug_allowed", report.policy.debugAllowed, allowed: allowDebug)
        flag("policy_migrate_ma", report.policy.migrateMAAllowed, allowed: allowMigrationAgent)
        if allowSMT == false {
            flag("policy_smt_allowed", report.policy.smtAllowed, allowed: false)
            flag("platform_smt_enabled", report.platformInfo.smtEnabled, allowed: false)
        }
        if requireSingleSocket == true, !report.policy.singleSocketRequired {
            found.append(PolicyViolation(field: "policy_single_socket", seen: "false", allowed: "true"))
        }
        if let measurements, !measurements.contains(where: { $0 == report.measurement }) {
            found.append(PolicyViolation(field: "measurement", seen: Hex.encode(report.measurement), allowed: Self.oneOf(measurements)))
        }
        if let minimumGuestSVN, report.guestSVN < minimumGuestSVN {
            found.append(PolicyViolation(field: "guest_svn", seen: "\(report.guestSVN)", allowed: ">= \(minimumGuestSVN)"))
        }
        if let allowedVMPLs, !allowedVMPLs.contains(report.vmpl) {
            found.append(PolicyViolation(field: "vmpl", seen: "\(report.vmpl)", allowed: "one of \(allowedVMPLs.map(String.init).joined(separator: ", "))"))
        }
        if let allowedChipIDs, !allowedChipIDs.contains(where: { report.chipID.starts(with: $0) }) {
            found.append(PolicyViolation(field: "chip_id", seen: Hex.encode(report.chipID), allowed: Self.oneOf(allowedChipIDs)))
        }
        if self.signer != .any, self.signer.rawValue != signer.rawValue.lowercased() {
            found.append(PolicyViolation(field: "signer", seen: signer.rawValue, allowed: self.signer.rawValue.uppercased()))
        }
        if let minimumTCB {
            let tcb = report.reportedTCB.components(product.tcbLayout)
            let checks: [(String, UInt8?, UInt8?)] = [
                ("reported_tcb_fmc", tcb.fmc, minimumTCB.fmc), ("reported_tcb_bootloader", tcb.bootloader, minimumTCB.bootloader),
                ("reported_tcb_tee", tcb.tee, minimumTCB.tee), ("reported_tcb_snp", tcb.snp, minimumTCB.snp),
                ("reported_tcb_microcode", tcb.microcode, minimumTCB.microcode),
            ]
            for (field, seen, minimum) in checks {
                guard let minimum else { continue }
                let level = seen ?? 0
                if level < minimum { found.append(PolicyViolation(field: field, seen: "\(level)", allowed: ">= \(minimum)")) }
            }
        }
        return found
    }

    private static func oneOf(_ values: [[UInt8]]) -> String {
        values.count == 1 ? Hex.encode(values[0]) : "one of [" + values.map { Hex.encode($0) }.joined(separator: ", ") + "]"
    }
}
