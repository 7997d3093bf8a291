import ArgumentParser
import Foundation
import HermeticCore
import Measure

/// `hermetic measure`: launch-measurement calculators.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Compute the launch measurements a guest's evidence will carry, from its firmware and boot inputs.",
        subcommands: [MeasureSNP.self, MeasureTDX.self, MeasureVTPMBoot.self]
    )
}

/// `hermetic measure snp`.
struct MeasureSNP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snp",
        abstract: "Print the SEV-SNP launch digest (MEASUREMENT) of a QEMU/OVMF guest.",
        discussion: """
            Walks the OVMF image's SEV metadata (firmware pages, SNP_SEC_MEM, secrets, CPUID, SVSM calling area,
            kernel hashes), builds each vCPU's VMSA for the QEMU model and chains the PAGE_INFO digests as the SNP ABI
            does. A firmware without SEV metadata, or --kernel with a firmware that has no kernel-hashes section,
            exits 2 instead of printing a digest that no guest could have.
            vCPU types: \(VCPUType.all.map(\.name).joined(separator: ", ")).
            """
    )

    @Option(help: "The OVMF firmware image (e.g. /usr/share/ovmf/OVMF.fd).") var ovmf: String
    @Option(help: "The number of vCPUs (1–512).") var vcpus: Int
    @Option(name: .customLong("vcpu-type"), help: "The QEMU vCPU model, e.g. EPYC-v4, EPYC-Milan, EPYC-Genoa.") var vcpuType: String
    @Option(help: "The hypervisor: qemu, ec2 or gce.") var vmm: String = "qemu"
    @Option(help: "The kernel QEMU loads with -kernel (measured through the firmware's kernel-hashes page).") var kernel: String?
    @Option(help: "The initrd (with --kernel).") var initrd: String?
    @Option(help: "The kernel command line (with --kernel).") var append: String?
    @Option(name: .customLong("guest-features"), help: "SEV_FEATURES in hex (default 0x1).") var guestFeatures: String = "0x1"
    @Flag(help: "Print one JSON object with the inputs and the digest.") var json = false

    func run() throws {
        guard let type = VCPUType.named(vcpuType) else {
            throw ValidationError("unknown --vcpu-type \"\(vcpuType)\"; known: \(VCPUType.all.map(\.name).joined(separator: ", "))")
        }
        guard let vmmType = VMMType(rawValue: vmm.lowercased()) else {
            throw ValidationError("unknown --vmm \"\(vmm)\"; known: qemu, ec2, gce")
        }
        let featuresText = guestFeatures.lowercased().hasPrefix("0x") ? String(guestFeatures.dropFirst(2)) : guestFeatures
        guard let features = UInt64(featuresText, radix: 16) else {
            throw ValidationError("--guest-features \"\(guestFeatures)\" is not hexadecimal")
        }
        if kernel == nil, initrd != nil || append != nil {
            throw ValidationError("--initrd and --append need --kernel")
        }
        do {
            let image = try FirmwareImage(bytes: try Self.read(ovmf, what: "firmware"))
            let hashes = try kernel.map { kernel in
                SEVHashTable(kernel: try Self.read(kernel, what: "kernel"), initrd: try initrd.map { try Self.read($0, what: "initrd") }, commandLine: append)
            }
            let digest = try SNPMeasurement(image: image, vmm: vmmType, hashes: hashes).digest(vcpus: vcpus, type: type, guestFeatures: features)
            guard json else {
                print(Hex.encode(digest))
                return
            }
            var object: [String: JSONValue] = [
                "tee": .string("snp"),
                "measurement": .string(Hex.encode(digest)),
                "reference_value_id": .string("snp_launch_measurement"),
                "ovmf": .string(ovmf),
                "vcpus": .int(Int64(vcpus)),
                "vcpu_type": .string(type.name),
                "vcpu_signature": .string("0x" + String(type.signature, radix: 16)),
                "vmm": .string(vmmType.rawValue),
                "guest_features": .string("0x" + String(features, radix: 16)),
            ]
            if let kernel { object["kernel"] = .string(kernel) }
            if let initrd { object["initrd"] = .string(initrd) }
            if let append { object["append"] = .string(append) }
            print(JSONValue.object(object).canonicalJSON())
        } catch let error as MeasureError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
    }

    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MeasureError(.unreadable, "cannot read \(what) file \(path)")
        }
        return [UInt8](data)
    }
}

/// `hermetic measure tdx`.
struct MeasureTDX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tdx",
        abstract: "Print the TDX MRTD of a TD launched from a TDVF (OVMF) image.",
        discussion: """
            MRTD is computed from the TDVF metadata sections (BFV, CFV, TD HOB, temporary memory; their MR_EXTEND and
            PAGE_AUG attributes): one TDH.MEM.PAGE.ADD per page added before launch, one TDH.MR.EXTEND per 256 bytes
            of measured content. Upstream KVM adds and extends page by page (the `mrtd` value); earlier TDX host
            kernels added a section's pages first (`mrtd_two_pass`). RTMR0 is not predicted: it depends on the TD
            HOB, ACPI tables and UEFI variables the VMM builds. With --kernel (direct kernel boot, -machine q35),
            RTMR1 and RTMR2 are predicted: RTMR1 from the kernel as QEMU patches it (its SHA-384 PE image hash, the
            `tdvfkernel` value), the boot-option action and TDVF's two ExitBootServices actions; RTMR2 from the
            EFI stub's load options and initrd events, as at the kernel's start (before the guest extends it).
            """
    )

    @Option(help: "The TDVF firmware image (e.g. /usr/share/ovmf/OVMF.fd).") var ovmf: String
    @Option(help: "A kernel booted directly (-kernel): predicts RTMR 1 and RTMR 2 as well.") var kernel: String?
    @Option(help: "The initrd (with --kernel).") var initrd: String?
    @Option(help: "The kernel command line (with --kernel).") var append: String = ""
    @Option(help: "Guest RAM in MiB (with --kernel; places the initrd, which changes the kernel digest).") var memory: Int?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        if kernel == nil, initrd != nil || memory != nil {
            throw ValidationError("--initrd and --memory need --kernel")
        }
        if kernel != nil, memory == nil { throw ValidationError("--kernel needs --memory (the guest RAM places the initrd)") }
        do {
            let direct = try kernel.map { kernel in
                TDXDirectBoot(try VTPMBootMeasurement(kernel: try MeasureSNP.read(kernel, what: "kernel"),
                                                      initrd: try initrd.map { try MeasureSNP.read($0, what: "initrd") },
                                                      commandLine: append, memoryMiB: memory ?? 0))
            }
            let image = try FirmwareImage(bytes: try MeasureSNP.read(ovmf, what: "firmware"))
            let measurement = try TDXMeasurement(image: image)
            let single = Hex.encode(measurement.mrtd(order: .singlePass))
            let twoPass = Hex.encode(measurement.mrtd(order: .twoPass))
            let sections = measurement.metadata.sections.map { section in
                "\(section.type)@0x\(String(section.memoryAddress, radix: 16))+0x\(String(section.memoryDataSize, radix: 16))\(section.extendsMR ? " MR_EXTEND" : "")\(section.pageAugmented ? " PAGE_AUG" : "")"
            }
            let notPredicted = "not predicted: depends on the VMM's TD HOB, ACPI tables, UEFI variables and boot path, which are not inputs"
            guard json else {
                print("mrtd:          \(single)  (reference value mr_td; hosts that add and extend page by page, as upstream KVM)")
                print("mrtd_two_pass: \(twoPass)  (hosts that add a section's pages before extending them)")
                print("sections:      \(sections.joined(separator: ", "))")
                if let direct {
                    print("rtmr0:         \(notPredicted)")
                    print("rtmr1:         \(Hex.encode(direct.rtmr1))  (prediction: kernel, boot-option action, ExitBootServices)")
                    print("rtmr2:         \(Hex.encode(direct.rtmr2))  (prediction at kernel start: load options, initrd)")
                    print("tdvfkernel:    \(Hex.encode(direct.kernelDigest))  (prediction: the kernel event's SHA-384)")
                } else {
                    print("rtmr0-2:       \(notPredicted)")
                }
                return
            }
            var object: [String: JSONValue] = [
                "tee": .string("tdx"), "ovmf": .string(ovmf), "reference_value_id": .string("mr_td"),
                "mrtd": .string(single), "mrtd_two_pass": .string(twoPass),
                "sections": .array(sections.map { .string($0) }), "rtmr": .string(notPredicted),
            ]
            if let direct {
                object["rtmr"] = .string("rtmr0 \(notPredicted); rtmr1 and rtmr2 are predictions for TDVF direct kernel boot")
                object["rtmr_1"] = .string(Hex.encode(direct.rtmr1))
                object["rtmr_2"] = .string(Hex.encode(direct.rtmr2))
                object["tdvfkernel"] = .string(Hex.encode(direct.kernelDigest))
                object["rtmr_1_events"] = .array(direct.rtmr1Events.map { .string(Hex.encode($0)) })
                object["rtmr_2_events"] = .array(direct.rtmr2Events.map { .string(Hex.encode($0)) })
            }
            print(JSONValue.object(object).canonicalJSON())
        } catch let error as MeasureError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
    }
}
