import HermeticCore

extension SNPEvidence {
    /// The evidence as Trustee's `snp` JSON in the current (`sev` 6) layout, as guest-components ≥ v0.14 sends it:
    /// every field of the binary report by name, TCBs as packed integers, and the certificates as `cert_chain`.
    ///
    /// - Throws: ``SNPError`` `.malformedReport` when a non-zero reserved byte cannot be carried by the JSON (the
    ///   rebuilt report would differ, and so would its signature).
    public func trusteeJSON() throws -> JSONValue {
        let bytes = reportBytes
        func little(_ offset: Int, _ count: Int) -> Int64 {
            var value: UInt64 = 0
            for i in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
            return Int64(bitPattern: value)
        }
        func array(_ offset: Int, _ count: Int) -> JSONValue { .array(bytes[offset..<offset + count].map { .int(Int64($0)) }) }
        func version(_ offset: Int) -> JSONValue {
            .object(["build": .int(Int64(bytes[offset])), "minor": .int(Int64(bytes[offset + 1])), "major": .int(Int64(bytes[offset + 2]))])
        }
        let report: [String: JSONValue] = [
            "version": .int(little(0x000, 4)), "guest_svn": .int(little(0x004, 4)), "policy": .int(little(0x008, 8)),
            "family_id": array(0x010, 16), "image_id": array(0x020, 16), "vmpl": .int(little(0x030, 4)),
            "sig_algo": .int(little(0x034, 4)), "current_tcb": .int(little(0x038, 8)), "plat_info": .int(little(0x040, 8)),
            "key_info": .int(little(0x048, 4)), "report_data": array(0x050, 64), "measurement": array(0x090, 48),
            "host_data": array(0x0C0, 32), "id_key_digest": array(0x0E0, 48), "author_key_digest": array(0x110, 48),
            "report_id": array(0x140, 32), "report_id_ma": array(0x160, 32), "reported_tcb": .int(little(0x180, 8)),
            "cpuid_fam_id": .int(Int64(bytes[0x188])), "cpuid_mod_id": .int(Int64(bytes[0x189])), "cpuid_step": .int(Int64(bytes[0x18A])),
            "chip_id": array(0x1A0, 64), "committed_tcb": .int(little(0x1E0, 8)), "current": version(0x1E8),
            "committed": version(0x1EC), "launch_tcb": .int(little(0x1F0, 8)), "launch_mit_vector": .int(little(0x1F8, 8)),
            "current_mit_vector": .int(little(0x200, 8)),
            "signature": .object(["r": array(0x2A0, 72), "s": array(0x2E8, 72), "_reserved": array(0x330, 368)]),
        ]
        guard try TrusteeSNPEvidence.rebuild(report) == bytes else {
            throw SNPError(.malformedReport, "the report has non-zero reserved bytes that Trustee's JSON cannot carry")
        }
        let chain: [JSONValue] = certificates.map { entry in
            .object(["cert_type": .string(entry.kind.rawValue), "data": .array(entry.der.map { .int(Int64($0)) })])
        }
        return .object(["attestation_report": .object(report), "cert_chain": chain.isEmpty ? .null : .array(chain)])
    }
}
