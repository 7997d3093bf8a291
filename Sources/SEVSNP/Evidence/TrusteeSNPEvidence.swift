#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// Trustee's `snp` evidence JSON: `{"attestation_report": {...}, "cert_chain": [{"cert_type": ..., "data": [...]}] | null}`,
/// where `attestation_report` is the serde form of the `sev` crate's `AttestationReport`.
///
/// Two layouts are in the field. The older one (sev 1.2 to 5.0, guest-components ≤ v0.13) names reserved regions
/// (`_author_key_en`, `_reserved_0` … `_reserved_4`) and flattens firmware versions (`current_build`, ...); the
/// current one (sev 6) has `key_info`, `current: {major, minor, build}`, `cpuid_*`, TCB objects with `fmc` and the
/// version-5 mitigation vectors. Each key is written back at its offset of the binary layout, reserved regions
/// included, so the rebuilt report is byte-exact and its signature checks.
enum TrusteeSNPEvidence {
    private enum Field {
        case u8, u32, u64, tcb, bytes(Int)
    }

    /// Every key either layout uses, with its offset in the binary report.
    private static let fields: [String: (offset: Int, field: Field)] = [
        "version": (0x000, .u32), "guest_svn": (0x004, .u32), "policy": (0x008, .u64),
        "family_id": (0x010, .bytes(16)), "image_id": (0x020, .bytes(16)), "vmpl": (0x030, .u32),
        "sig_algo": (0x034, .u32), "current_tcb": (0x038, .tcb), "plat_info": (0x040, .u64),
        "key_info": (0x048, .u32), "_author_key_en": (0x048, .u32), "_reserved_0": (0x04C, .u32),
        "report_data": (0x050, .bytes(64)), "measurement": (0x090, .bytes(48)), "host_data": (0x0C0, .bytes(32)),
        "id_key_digest": (0x0E0, .bytes(48)), "author_key_digest": (0x110, .bytes(48)),
        "report_id": (0x140, .bytes(32)), "report_id_ma": (0x160, .bytes(32)), "reported_tcb": (0x180, .tcb),
        "cpuid_fam_id": (0x188, .u8), "cpuid_mod_id": (0x189, .u8), "cpuid_step": (0x18A, .u8),
        "_reserved_1": (0x188, .bytes(24)), "chip_id": (0x1A0, .bytes(64)), "committed_tcb": (0x1E0, .tcb),
        "current_build": (0x1E8, .u8), "current_minor": (0x1E9, .u8), "current_major": (0x1EA, .u8),
        "_reserved_2": (0x1EB, .u8), "committed_build": (0x1EC, .u8), "committed_minor": (0x1ED, .u8),
        "committed_major": (0x1EE, .u8), "_reserved_3": (0x1EF, .u8), "launch_tcb": (0x1F0, .tcb),
        "launch_mit_vector": (0x1F8, .u64), "current_mit_vector": (0x200, .u64),
        "_reserved_4": (0x1F8, .bytes(168)),
    ]

    static func decode(_ bytes: [UInt8]) throws -> SNPEvidence {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes)
        } catch {
            throw SNPError(.malformedEvidence, "evidence is not JSON: \(error)")
        }
        return try decode(document)
    }

    static func decode(_ document: JSONValue) throws -> SNPEvidence {
        guard let report = document["attestation_report"]?.objectValue else {
            throw SNPError(.malformedEvidence, "evidence JSON has no attestation_report object")
        }
        let reportBytes = try rebuild(report)
        var evidence = SNPEvidence(report: try AttestationReport(bytes: reportBytes))
        evidence.reportBytes = reportBytes
        evidence.certificates = try certificates(document["cert_chain"])
        return evidence
    }

    /// Writes every field of the JSON report at its binary offset.
    static func rebuild(_ report: [String: JSONValue]) throws -> [UInt8] {
        var writer = ByteWriter(size: AttestationReport.size)
        let layout: TCBVersion.Layout = report["cpuid_fam_id"]?.intValue == 0x1A ? .turin : .milanGenoa
        for (key, value) in report.sorted(by: { $0.key < $1.key }) {
            if key == "signature" {
                try writeSignature(value, into: &writer)
                continue
            }
            if key == "current" || key == "committed" { continue }
            guard let (offset, field) = fields[key] else {
                throw SNPError(.malformedEvidence, "attestation_report has unknown field \"\(key)\"")
            }
            if value == .null { continue }
            switch field {
            case .u8: writer.put(try integer(value, key, max: 0xFF).toUInt8, at: offset)
            case .u32: writer.put(UInt32(try integer(value, key, max: UInt64(UInt32.max))), at: offset)
            case .u64: writer.put(try integer(value, key, max: .max), at: offset)
            case .bytes(let count): writer.put(try byteArray(value, key, count: count), at: offset)
            case .tcb: writer.put(try tcb(value, key, layout: layout), at: offset)
            }
        }
        for (name, offset) in [("current", 0x1E8), ("committed", 0x1EC)] {
            guard let version = report[name], version != .null else { continue }
            writer.put(try integer(version["build"] ?? .null, "\(name).build", max: 0xFF).toUInt8, at: offset)
            writer.put(try integer(version["minor"] ?? .null, "\(name).minor", max: 0xFF).toUInt8, at: offset + 1)
            writer.put(try integer(version["major"] ?? .null, "\(name).major", max: 0xFF).toUInt8, at: offset + 2)
        }
        return writer.bytes
    }

    private static func writeSignature(_ value: JSONValue, into writer: inout ByteWriter) throws {
        guard case .object(let members) = value else {
            throw SNPError(.malformedEvidence, "attestation_report.signature is not an object")
        }
        for (key, member) in members {
            switch key {
            case "r": writer.put(try byteArray(member, "signature.r", count: 72), at: 0x2A0)
            case "s": writer.put(try byteArray(member, "signature.s", count: 72), at: 0x2E8)
            case "_reserved": writer.put(try byteArray(member, "signature._reserved", count: 368), at: 0x330)
            default: throw SNPError(.malformedEvidence, "attestation_report.signature has unknown field \"\(key)\"")
            }
        }
    }

    /// A TCB as an integer (packed) or an object, packed in the layout the CPUID family selects (as the `sev`
    /// crate does: family 1Ah is Turin, and version 2 reports, which have no CPUID, are never Turin).
    private static func tcb(_ value: JSONValue, _ key: String, layout: TCBVersion.Layout) throws -> UInt64 {
        if case .int = value { return try integer(value, key, max: .max) }
        guard case .object(let members) = value else {
            throw SNPError(.malformedEvidence, "attestation_report.\(key) is neither an integer nor a TCB object")
        }
        func level(_ name: String) throws -> UInt8 {
            try integer(members[name] ?? .null, "\(key).\(name)", max: 0xFF).toUInt8
        }
        let fmc = members["fmc"].flatMap { $0 == .null ? nil : $0 }
        for name in members.keys where !["fmc", "bootloader", "tee", "snp", "microcode", "_reserved"].contains(name) {
            throw SNPError(.malformedEvidence, "attestation_report.\(key) has unknown field \"\(name)\"")
        }
        let components = TCBVersion.Components(
            fmc: try fmc.map { try integer($0, "\(key).fmc", max: 0xFF).toUInt8 },
            bootloader: try level("bootloader"), tee: try level("tee"), snp: try level("snp"), microcode: try level("microcode")
        )
        var packed = TCBVersion(components, layout: layout).rawValue
        if let reserved = members["_reserved"], reserved != .null {
            let bytes = try byteArray(reserved, "\(key)._reserved", count: 4)
            for (i, byte) in bytes.enumerated() { packed |= UInt64(byte) << (8 * (2 + i)) }
        }
        return packed
    }

    private static func integer(_ value: JSONValue, _ key: String, max: UInt64) throws -> UInt64 {
        guard case .int(let i) = value, i >= 0, UInt64(i) <= max else {
            throw SNPError(.malformedEvidence, "attestation_report.\(key) is not an integer in 0...\(max)")
        }
        return UInt64(i)
    }

    private static func byteArray(_ value: JSONValue, _ key: String, count: Int) throws -> [UInt8] {
        guard case .array(let elements) = value, elements.count == count else {
            throw SNPError(.malformedEvidence, "attestation_report.\(key) is not an array of \(count) bytes")
        }
        return try elements.map { try integer($0, key, max: 0xFF).toUInt8 }
    }

    /// The `cert_chain` entries (`cert_type` VCEK, VLEK, ASK, ARK, CRL or other; `data` a byte array).
    private static func certificates(_ value: JSONValue?) throws -> [CertificateTable.Entry] {
        guard let value, value != .null else { return [] }
        guard case .array(let entries) = value else {
            throw SNPError(.malformedEvidence, "cert_chain is not an array")
        }
        return try entries.enumerated().map { index, entry in
            guard case .array(let data)? = entry["data"] else {
                throw SNPError(.malformedEvidence, "cert_chain[\(index)] has no data array")
            }
            let der = try data.map { try integer($0, "cert_chain.data", max: 0xFF).toUInt8 }
            let kind = entry["cert_type"]?.stringValue.flatMap { CertificateTable.EntryKind(rawValue: $0.uppercased()) } ?? .other
            return CertificateTable.Entry(kind: kind, der: der)
        }
    }
}

private extension UInt64 {
    var toUInt8: UInt8 { UInt8(truncatingIfNeeded: self) }
}
