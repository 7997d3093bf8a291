import HermeticCore

/// The claims of a verified SNP report, named and typed as Trustee's SNP verifier emits them (integers for TCB
/// components and ABI versions, Booleans for policy and platform flags, lowercase hex for byte fields), so that
/// Trustee's Rego policies read them unchanged. A few more fields are added under their ABI names.
enum SNPClaims {
    static func claims(of report: AttestationReport, product: SNPProduct, signer: EndorsementKey.Kind) -> [String: JSONValue] {
        let policy = report.policy
        let platform = report.platformInfo
        let tcb = report.reportedTCB.components(product.tcbLayout)
        var claims: [String: JSONValue] = [
            "policy_abi_major": .int(Int64(policy.abiMajor)),
            "policy_abi_minor": .int(Int64(policy.abiMinor)),
            "policy_smt_allowed": .bool(policy.smtAllowed),
            "policy_migrate_ma": .bool(policy.migrateMAAllowed),
            "policy_debug_allowed": .bool(policy.debugAllowed),
            "policy_single_socket": .bool(policy.singleSocketRequired),
            "reported_tcb_bootloader": .int(Int64(tcb.bootloader)),
            "reported_tcb_tee": .int(Int64(tcb.tee)),
            "reported_tcb_snp": .int(Int64(tcb.snp)),
            "reported_tcb_microcode": .int(Int64(tcb.microcode)),
            "platform_tsme_enabled": .bool(platform.tsmeEnabled),
            "platform_smt_enabled": .bool(platform.smtEnabled),
            "platform_ecc_enabled": .bool(platform.eccEnabled),
            "platform_ciphertext_hiding_enabled": .bool(platform.ciphertextHidingEnabled),
            "measurement": .string(Hex.encode(report.measurement)),
            "report_data": .string(Hex.encode(report.reportData)),
            "init_data": .string(Hex.encode(report.hostData)),
            "chip_id": .string(Hex.encode(report.chipID)),
            "version": .int(Int64(report.version)),
            "guest_svn": .int(Int64(report.guestSVN)),
            "vmpl": .int(Int64(report.vmpl)),
            "guest_policy": .int(Int64(bitPattern: report.policy.rawValue)),
            "platform_info": .int(Int64(bitPattern: report.platformInfo.rawValue)),
            "family_id": .string(Hex.encode(report.familyID)),
            "image_id": .string(Hex.encode(report.imageID)),
            "id_key_digest": .string(Hex.encode(report.idKeyDigest)),
            "author_key_digest": .string(Hex.encode(report.authorKeyDigest)),
            "report_id": .string(Hex.encode(report.reportID)),
            "report_id_ma": .string(Hex.encode(report.reportIDMA)),
            "signing_key": .string(signer.rawValue),
            "product": .string(product.rawValue),
            "current_tcb": .string(Hex.encode(littleEndian: report.currentTCB.rawValue)),
            "committed_tcb": .string(Hex.encode(littleEndian: report.committedTCB.rawValue)),
            "launch_tcb": .string(Hex.encode(littleEndian: report.launchTCB.rawValue)),
            "reported_tcb": .string(Hex.encode(littleEndian: report.reportedTCB.rawValue)),
            "firmware_version": .string(report.currentVersion.description),
            "committed_firmware_version": .string(report.committedVersion.description),
        ]
        if let fmc = tcb.fmc { claims["reported_tcb_fmc"] = .int(Int64(fmc)) }
        if let cpuid = report.cpuid {
            claims["cpuid_fam_id"] = .int(Int64(cpuid.family))
            claims["cpuid_mod_id"] = .int(Int64(cpuid.model))
            claims["cpuid_step"] = .int(Int64(cpuid.stepping))
        }
        if report.version >= 5 {
            claims["launch_mit_vector"] = .int(Int64(bitPattern: report.launchMitigationVector))
            claims["current_mit_vector"] = .int(Int64(bitPattern: report.currentMitigationVector))
        }
        return claims
    }
}

extension Hex {
    /// The little-endian bytes of a 64-bit value, in hex (how TCB values appear in a report dump).
    static func encode(littleEndian value: UInt64) -> String {
        encode((0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
    }
}
