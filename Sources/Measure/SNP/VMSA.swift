/// The initial VMSA (the SEV-ES save area, one 4 KiB page) of a vCPU as the hypervisor creates it at launch.
///
/// Offsets are the AMD64 APM's VMSA layout (vol. 2, "VMSA layout, state save area for SEV-ES"). Only the fields a
/// hypervisor sets at reset are non-zero; which values it sets depends on the VMM.
public struct VMSA: Sendable, Hashable {
    /// The page (4096 bytes).
    public private(set) var page: [UInt8]

    /// The bootstrap processor's reset address.
    public static let bspResetEIP: UInt32 = 0xFFFF_FFF0

    /// The save area of a vCPU that starts at `eip`.
    /// - Parameters:
    ///   - eip: the reset address (the BSP's `0xfffffff0`, or the firmware's SEV-ES reset block for the APs).
    ///   - sevFeatures: the SEV_FEATURES the guest is launched with (guest features, `0x1` = SNP active).
    ///   - vcpuSignature: the CPUID signature QEMU puts in RDX.
    ///   - vmm: the hypervisor.
    public init(eip: UInt32, sevFeatures: UInt64, vcpuSignature: UInt32, vmm: VMMType) {
        page = [UInt8](repeating: 0, count: 4096)
        var csAttributes: UInt16 = 0x9B
        var ssAttributes: UInt16 = 0x93
        var trAttributes: UInt16 = 0x8B
        var rdx = UInt64(vcpuSignature)
        var mxcsr: UInt32 = 0x1F80
        var fcw: UInt16 = 0x37F
        var pat: UInt64 = 0x0007_0406_0007_0406
        switch vmm {
        case .qemu:
            break
        case .ec2:
            if eip == Self.bspResetEIP { csAttributes = 0x9A }
            ssAttributes = 0x92
            trAttributes = 0x83
            rdx = 0x600
            mxcsr = 0
            fcw = 0
        case .gce:
            pat = 0x0007_0106
            rdx = 0x600
            mxcsr = 0
            fcw = 0
        }
        segment(at: 0x00, selector: 0, attributes: 0x93, limit: 0xFFFF, base: 0)  // ES
        segment(at: 0x10, selector: 0xF000, attributes: csAttributes, limit: 0xFFFF, base: UInt64(eip & 0xFFFF_0000))  // CS
        segment(at: 0x20, selector: 0, attributes: ssAttributes, limit: 0xFFFF, base: 0)  // SS
        segment(at: 0x30, selector: 0, attributes: 0x93, limit: 0xFFFF, base: 0)  // DS
        segment(at: 0x40, selector: 0, attributes: 0x93, limit: 0xFFFF, base: 0)  // FS
        segment(at: 0x50, selector: 0, attributes: 0x93, limit: 0xFFFF, base: 0)  // GS
        segment(at: 0x60, selector: 0, attributes: 0, limit: 0xFFFF, base: 0)  // GDTR
        segment(at: 0x70, selector: 0, attributes: 0x82, limit: 0xFFFF, base: 0)  // LDTR
        segment(at: 0x80, selector: 0, attributes: 0, limit: 0xFFFF, base: 0)  // IDTR
        segment(at: 0x90, selector: 0, attributes: trAttributes, limit: 0xFFFF, base: 0)  // TR
        put(UInt64(0x1000), at: 0xD0)  // EFER: SVME, as KVM sets it
        put(UInt64(0x40), at: 0x148)  // CR4: MCE
        put(UInt64(0x10), at: 0x158)  // CR0: ET
        put(UInt64(0x400), at: 0x160)  // DR7
        put(UInt64(0xFFFF_0FF0), at: 0x168)  // DR6
        put(UInt64(0x2), at: 0x170)  // RFLAGS
        put(UInt64(eip & 0xFFFF), at: 0x178)  // RIP
        put(pat, at: 0x268)  // G_PAT
        put(rdx, at: 0x310)  // RDX
        put(sevFeatures, at: 0x3B0)  // SEV_FEATURES
        put(UInt64(0x1), at: 0x3E8)  // XCR0
        put(mxcsr, at: 0x408)  // MXCSR
        put(fcw, at: 0x410)  // x87 FCW
    }

    private mutating func segment(at offset: Int, selector: UInt16, attributes: UInt16, limit: UInt32, base: UInt64) {
        put(selector, at: offset)
        put(attributes, at: offset + 2)
        put(limit, at: offset + 4)
        put(base, at: offset + 8)
    }

    private mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { page[offset + index] = byte }
        }
    }
}
