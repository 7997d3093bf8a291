import Foundation
import HermeticCore
import Measure

/// The reference values a broker needs for a sandbox guest, under ``VTPMReferenceIDs`` (each a list of one hex
/// SHA-256 PCR value): PCR 4 and PCR 9 computed from the image, the command line and the RAM; PCR 8 from the
/// init-data binding when given; PCR 0–3 and 5–7 from a golden boot of the same OVMF, QEMU and RAM when given.
public enum SandboxReferenceValues {
    /// The values for a guest booting `image` with `commandLine` in `memoryMiB` of RAM.
    ///
    /// - Throws: ``SandboxError/Code/image`` when the image's files cannot be read or its kernel measured;
    ///   ``SandboxError/Code/measurement`` when `golden` was recorded with another amount of RAM (PCR 0 and 2 differ).
    public static func values(image: GuestImage, commandLine: String, memoryMiB: Int, initDataPCR8: [UInt8]? = nil,
                              golden: GoldenPCRs? = nil) throws(SandboxError) -> [String: JSONValue] {
        guard let kernel = FileManager.default.contents(atPath: image.kernelPath),
              let initrd = FileManager.default.contents(atPath: image.initrdPath) else {
            throw SandboxError(.image, "cannot read the guest image \(image.kernelPath) / \(image.initrdPath)")
        }
        let boot: VTPMBootMeasurement
        do {
            boot = try VTPMBootMeasurement(kernel: [UInt8](kernel), initrd: [UInt8](initrd), commandLine: commandLine, memoryMiB: memoryMiB)
        } catch {
            throw SandboxError(.image, "the guest image's kernel cannot be measured: \(error.description)")
        }
        var values: [String: JSONValue] = [:]
        if let golden {
            guard golden.memoryMiB == memoryMiB else {
                throw SandboxError(.measurement, "the golden PCRs were recorded with \(golden.memoryMiB) MiB, the guest has \(memoryMiB) MiB; PCR 0 and 2 differ")
            }
            for (index, value) in golden.pcrs where index != 4 { values[VTPMReferenceIDs.pcr(index)] = Self.entry(value) }
        }
        values[VTPMReferenceIDs.pcr(4)] = Self.entry(boot.pcr4(.sha256))
        values[VTPMReferenceIDs.pcr(9)] = Self.entry(boot.pcr9(.sha256))
        if let initDataPCR8 { values[VTPMReferenceIDs.pcr(8)] = Self.entry(initDataPCR8) }
        return values
    }

    /// The members of a Trustee RVPS `sample` message carrying `values` (what `hermetic rv add --rvps` and
    /// Trustee's RVPS take).
    public static func rvpsSample(_ values: [String: JSONValue]) -> [String: JSONValue] {
        [
            "version": .string("0.1.0"), "type": .string("sample"),
            "payload": .string(Base64.encode(Array(JSONValue.object(values).canonicalJSON().utf8))),
        ]
    }

    private static func entry(_ value: [UInt8]) -> JSONValue { .array([.string(Hex.encode(value))]) }
}
