import Crypto
import Foundation
import HermeticCore
import Measure

/// PCR 0–7 of a vTPM guest recorded from one real boot (a "golden" run): they depend on the OVMF build and the QEMU
/// machine, not on the kernel, so they are taken once per OVMF/QEMU version, together with those versions and the
/// event log that produced them. PCR 4 is recorded too, but for a given kernel it is better computed
/// (``Measure/VTPMBootMeasurement``).
public struct GoldenPCRs: Sendable {
    /// PCR values of the SHA-256 bank, 0–7.
    public let pcrs: [UInt32: [UInt8]]
    /// The event log the guest read.
    public let eventLog: [UInt8]
    /// `qemu-system-x86_64 --version`'s first line.
    public let qemuVersion: String
    /// The firmware file.
    public let firmware: String
    /// The firmware's SHA-256.
    public let firmwareDigest: [UInt8]
    /// The Debian `ovmf` package version, when dpkg knows it.
    public let firmwarePackage: String?
    /// The kernel release booted.
    public let kernelRelease: String
    /// Guest RAM in MiB.
    public let memoryMiB: Int

    /// The PCRs recorded.
    public static let indices: [UInt32] = Array(0...7)

    /// Boots `image` once, checks that the guest's event log replays to its PCRs and that PCR 4 and PCR 9 equal the
    /// predictions, and records PCR 0–7.
    ///
    /// - Throws: ``SandboxError`` when the launch fails, the guest does not report in time, or the boot does not check.
    public static func record(_ configuration: SandboxVM.Configuration, readyTimeout: Double = 120) throws(SandboxError) -> GoldenPCRs {
        guard configuration.banks.contains("sha256") else { throw SandboxError(.launch, "golden PCRs are recorded from the SHA-256 bank; the vTPM must have it") }
        let vm = try SandboxVM(configuration)
        defer { vm.shutdown() }
        _ = try vm.waitForReady(timeout: readyTimeout)
        let report = try BootReport { () throws(SandboxError) -> String? in try vm.readLine(timeout: 30) }
        try? vm.send("BYE")
        return try GoldenPCRs(report: report, configuration: configuration)
    }

    /// Records PCR 0–7 from the `report` of a boot launched with `configuration`, after checking that its event log
    /// replays to its PCRs and that PCR 4 and PCR 9 equal the predictions for the configuration's image.
    ///
    /// - Throws: ``SandboxError/Code/measurement`` when the boot does not check; ``SandboxError/Code/image`` when
    ///   the image's files cannot be read.
    public init(report: BootReport, configuration: SandboxVM.Configuration) throws(SandboxError) {
        let kernel = try Self.read(configuration.image.kernelPath)
        let initrd = try Self.read(configuration.image.initrdPath)
        let expected: VTPMBootMeasurement
        do {
            expected = try VTPMBootMeasurement(kernel: kernel, initrd: initrd, commandLine: configuration.commandLine, memoryMiB: configuration.memoryMiB)
        } catch {
            throw SandboxError(.image, "the guest image's kernel cannot be measured: \(error.description)")
        }
        let check = try BootCheck(report: report, expected: expected)
        try check.requireMatch()
        guard let bank = check.replay.banks[0x000B] else { throw SandboxError(.measurement, "the event log has no SHA-256 bank") }
        var pcrs: [UInt32: [UInt8]] = [:]
        for index in Self.indices {
            guard let value = report.pcrs[0x000B]?[index] ?? bank[index] else {
                throw SandboxError(.measurement, "the guest reported no SHA-256 PCR \(index)")
            }
            pcrs[index] = value
        }
        let qemu = HostTools.find("qemu-system-x86_64").flatMap { try? HostTools.run($0, ["--version"]).output }
        let dpkgQuery = HostTools.find("dpkg-query")
        let package = dpkgQuery.flatMap { try? HostTools.run($0, ["-W", "-f=${Version}", "ovmf"]) }.flatMap { $0.status == 0 ? $0.output : nil }
        self.init(
            pcrs: pcrs, eventLog: report.eventLog,
            qemuVersion: qemu.map { String($0.prefix { $0 != "\n" }) } ?? "unknown",
            firmware: configuration.firmware, firmwareDigest: Array(SHA256.hash(data: try Self.read(configuration.firmware))),
            firmwarePackage: package, kernelRelease: configuration.image.kernel.release, memoryMiB: configuration.memoryMiB)
    }

    /// A record from its parts.
    public init(pcrs: [UInt32: [UInt8]], eventLog: [UInt8], qemuVersion: String, firmware: String, firmwareDigest: [UInt8],
                firmwarePackage: String?, kernelRelease: String, memoryMiB: Int) {
        self.pcrs = pcrs
        self.eventLog = eventLog
        self.qemuVersion = qemuVersion
        self.firmware = firmware
        self.firmwareDigest = firmwareDigest
        self.firmwarePackage = firmwarePackage
        self.kernelRelease = kernelRelease
        self.memoryMiB = memoryMiB
    }

    /// What the values were recorded from.
    public var inputs: JSONValue {
        var object: [String: JSONValue] = [
            "qemu": .string(qemuVersion), "machine": .string("q35"), "ovmf": .string(firmware),
            "ovmf_sha256": .string(Hex.encode(firmwareDigest)), "kernel": .string(kernelRelease),
            "memory_mib": .int(Int64(memoryMiB)), "bank": .string("sha256"),
        ]
        if let firmwarePackage { object["ovmf_package"] = .string(firmwarePackage) }
        return .object(object)
    }

    /// The document `hermetic pod golden` writes: a Trustee RVPS `sample` message (so `hermetic rv add --rvps` and
    /// Trustee's RVPS take it as is) with the values under their ids (``VTPMReferenceIDs``, each a list of one hex
    /// digest), plus a `hermetic_golden` member holding the
    /// inputs, the PCRs and the event log (base64), which readers of the message ignore.
    public var document: JSONValue {
        let values = Dictionary(uniqueKeysWithValues: pcrs.map { (VTPMReferenceIDs.pcr($0.key), JSONValue.array([.string(Hex.encode($0.value))])) })
        var message = SandboxReferenceValues.rvpsSample(values)
        message["hermetic_golden"] = .object([
            "inputs": inputs,
            "pcrs": .object(Dictionary(uniqueKeysWithValues: pcrs.map { (String($0.key), JSONValue.string(Hex.encode($0.value))) })),
            "event_log": .string(Base64.encode(eventLog)),
        ])
        return .object(message)
    }

    private static func read(_ path: String) throws(SandboxError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw SandboxError(.image, "cannot read \(path)") }
        return [UInt8](data)
    }
}
