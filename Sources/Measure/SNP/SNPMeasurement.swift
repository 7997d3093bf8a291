import Crypto

/// The SEV-SNP launch measurement of a QEMU/OVMF guest: firmware pages, the SEV metadata sections, then one VMSA
/// per vCPU, chained as SNP_LAUNCH_UPDATE does.
///
/// Everything before the VMSAs depends only on the firmware, the VMM and the kernel hashes; ``prefix`` holds that
/// digest so that many vCPU counts and types are measured without hashing the firmware again.
public struct SNPMeasurement: Sendable {
    /// The inputs of a measurement that do not depend on the vCPUs.
    public struct Firmware: Sendable {
        /// The firmware image.
        public let image: FirmwareImage
        /// Its SEV metadata.
        public let metadata: SEVMetadata
        /// The hypervisor.
        public let vmm: VMMType
        /// The kernel hashes, when a kernel is measured.
        public let hashes: SEVHashTable?
        /// The application processors' reset address (from the SEV-ES reset block).
        public let apResetEIP: UInt32
    }

    /// The firmware side of the measurement.
    public let firmware: Firmware
    /// The launch digest after the firmware pages and metadata sections, before any VMSA.
    public let prefix: SNPLaunchDigest

    /// Prepares the measurement of `image` launched by `vmm`, with a kernel when `hashes` is given.
    /// - Throws: ``MeasureError`` when the image has no SEV metadata or no reset block, or when a kernel is given
    ///   and the firmware has no kernel-hashes section to measure it in (a digest computed anyway would describe a
    ///   guest that cannot exist).
    public init(image: FirmwareImage, vmm: VMMType = .qemu, hashes: SEVHashTable? = nil) throws(MeasureError) {
        guard let metadata = try SEVMetadata(image: image) else {
            throw MeasureError(.sevMetadata, "the firmware has no SEV metadata (OVMF GUID dc886566-984a-4798-a75e-5585a7bf67cc); it cannot launch an SEV-SNP guest")
        }
        guard let eip = image.entryUInt32(.sevESResetBlock) else {
            throw MeasureError(.resetBlock, "the firmware has no SEV-ES reset block (GUID 00f771de-1a7e-4fcb-890e-68c77e2fb44e)")
        }
        var hashOffset = 0
        if hashes != nil {
            guard metadata.contains(.kernelHashes) else {
                throw MeasureError(.noKernelHashes, "--kernel was given but the firmware's SEV metadata has no SNP_KERNEL_HASHES section (an AmdSev OVMF build has one); the kernel, initrd and command line would not be measured")
            }
            guard let tableGPA = image.entryUInt32(.sevHashTableLocation), tableGPA != 0 else {
                throw MeasureError(.noKernelHashes, "the firmware has an SNP_KERNEL_HASHES section but no SEV hash table location (GUID 7255371f-3a3b-4b04-927b-1da6efa8d454)")
            }
            hashOffset = Int(tableGPA & 0xFFF)
        }
        firmware = Firmware(image: image, metadata: metadata, vmm: vmm, hashes: hashes, apResetEIP: eip)

        var digest = SNPLaunchDigest()
        digest.updateNormalPages(gpa: image.gpa, data: image.bytes)
        for section in metadata.sections {
            switch section.type {
            case .secMemory:
                digest.updateEmptyPages(type: vmm == .gce ? .unmeasured : .zero, gpa: section.gpa, length: section.size)
            case .secrets:
                digest.update(type: .secrets, gpa: section.gpa, contents: [UInt8](repeating: 0, count: 48))
            case .cpuid:
                if vmm != .ec2 { digest.update(type: .cpuid, gpa: section.gpa, contents: [UInt8](repeating: 0, count: 48)) }
            case .kernelHashes:
                if let hashes {
                    guard section.size == 4096, hashOffset + hashes.table.count <= 4096 else {
                        throw MeasureError(.noKernelHashes, "the SNP_KERNEL_HASHES section (\(section.size) bytes, table at page offset \(hashOffset)) cannot hold the hash table")
                    }
                    digest.updateNormalPages(gpa: section.gpa, data: hashes.page(offset: hashOffset))
                } else {
                    digest.updateEmptyPages(type: .zero, gpa: section.gpa, length: section.size)
                }
            case .svsmCallingArea:
                digest.updateEmptyPages(type: .zero, gpa: section.gpa, length: section.size)
            }
        }
        if vmm == .ec2 {
            for section in metadata.sections where section.type == .cpuid {
                digest.update(type: .cpuid, gpa: section.gpa, contents: [UInt8](repeating: 0, count: 48))
            }
        }
        prefix = digest
    }

    /// The launch digest (48 bytes) for `vcpus` vCPUs of `type` with `guestFeatures` as SEV_FEATURES.
    /// - Throws: ``MeasureError/Code/option`` when `vcpus` is not between 1 and 512.
    public func digest(vcpus: Int, type: VCPUType, guestFeatures: UInt64 = 0x1) throws(MeasureError) -> [UInt8] {
        guard (1...512).contains(vcpus) else {
            throw MeasureError(.option, "vCPU count \(vcpus) is not between 1 and 512")
        }
        let bsp = VMSA(eip: VMSA.bspResetEIP, sevFeatures: guestFeatures, vcpuSignature: type.signature, vmm: firmware.vmm)
        let ap = VMSA(eip: firmware.apResetEIP, sevFeatures: guestFeatures, vcpuSignature: type.signature, vmm: firmware.vmm)
        // Every application processor has the same VMSA: its page is hashed once, and only PAGE_INFO is chained.
        let apContents = Array(SHA384.hash(data: ap.page))
        var digest = prefix
        digest.updateVMSA(bsp.page)
        for _ in 1..<vcpus { digest.update(type: .vmsa, gpa: SNPLaunchDigest.vmsaGPA, contents: apContents) }
        return digest.value
    }
}
