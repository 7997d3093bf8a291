import Foundation
import HermeticCore
import Sandbox

/// Reads the document `hermetic pod golden` writes (``GoldenPCRs/document``) back into ``GoldenPCRs``, so a pod can
/// use a golden boot recorded once per OVMF, QEMU and RAM size instead of booting again.
public enum GoldenFile {
    /// The golden PCRs in `bytes` (the `hermetic_golden` member: inputs, PCR 0–7 in hex, the event log in base64).
    ///
    /// - Throws: ``PodError`` (`badInput`) naming what is missing or malformed.
    public static func read(_ bytes: [UInt8]) throws(PodError) -> GoldenPCRs {
        guard let document = try? JSONValue(parsing: bytes), let golden = document["hermetic_golden"]?.objectValue else {
            throw PodError(.badInput, "the golden file is not JSON with a hermetic_golden member (write it with hermetic pod golden)")
        }
        guard let inputs = golden["inputs"]?.objectValue, let values = golden["pcrs"]?.objectValue else {
            throw PodError(.badInput, "the golden file's hermetic_golden has no inputs or pcrs")
        }
        var pcrs: [UInt32: [UInt8]] = [:]
        for (key, value) in values {
            guard let index = UInt32(key), index < 24, let hex = value.stringValue, let digest = Hex.decode(hex), digest.count == 32 else {
                throw PodError(.badInput, "the golden file's PCR \"\(key.prefix(8))\" is not an index with a SHA-256 hex digest")
            }
            pcrs[index] = digest
        }
        let missing = GoldenPCRs.indices.filter { pcrs[$0] == nil }
        guard missing.isEmpty else { throw PodError(.badInput, "the golden file lacks PCR \(missing.map(String.init).joined(separator: ", "))") }
        guard let qemu = inputs["qemu"]?.stringValue, let firmware = inputs["ovmf"]?.stringValue,
              let firmwareDigest = inputs["ovmf_sha256"]?.stringValue.flatMap(Hex.decode), let kernel = inputs["kernel"]?.stringValue,
              let memory = inputs["memory_mib"]?.intValue, let memoryMiB = Int(exactly: memory), memoryMiB > 0 else {
            throw PodError(.badInput, "the golden file's inputs lack qemu, ovmf, ovmf_sha256, kernel or memory_mib")
        }
        let eventLog = golden["event_log"]?.stringValue.flatMap(Base64.decode) ?? []
        return GoldenPCRs(pcrs: pcrs, eventLog: eventLog, qemuVersion: qemu, firmware: firmware, firmwareDigest: firmwareDigest,
                          firmwarePackage: inputs["ovmf_package"]?.stringValue, kernelRelease: kernel, memoryMiB: memoryMiB)
    }
}
