/// A TCB_VERSION: the security patch levels of the SNP firmware components, packed into 64 bits.
///
/// SEV-SNP ABI, "TCB_VERSION Structure": on Milan and Genoa, byte 0 is BOOT_LOADER, byte 1 TEE, bytes 2–5
/// reserved, byte 6 SNP and byte 7 MICROCODE. On Turin, byte 0 is FMC, byte 1 BOOT_LOADER, byte 2 TEE, byte 3 SNP,
/// bytes 4–6 reserved and byte 7 MICROCODE.
public struct TCBVersion: RawRepresentable, Sendable, Hashable {
    /// The packed value as it appears (little-endian) in the report.
    public let rawValue: UInt64

    /// Wraps a packed value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Which byte holds which component.
    public enum Layout: Sendable, Hashable {
        /// Milan and Genoa.
        case milanGenoa
        /// Turin, with the FMC component.
        case turin
    }

    /// The security patch levels by component.
    public struct Components: Sendable, Hashable, CustomStringConvertible {
        /// The FMC (first mutable code) level; Turin only.
        public var fmc: UInt8?
        /// The PSP bootloader level.
        public var bootloader: UInt8
        /// The PSP operating system (TEE) level.
        public var tee: UInt8
        /// The SNP firmware level.
        public var snp: UInt8
        /// The CPU microcode level.
        public var microcode: UInt8

        /// Creates components.
        public init(fmc: UInt8? = nil, bootloader: UInt8, tee: UInt8, snp: UInt8, microcode: UInt8) {
            self.fmc = fmc
            self.bootloader = bootloader
            self.tee = tee
            self.snp = snp
            self.microcode = microcode
        }

        public var description: String {
            (fmc.map { "fmc=\($0) " } ?? "") + "bootloader=\(bootloader) tee=\(tee) snp=\(snp) microcode=\(microcode)"
        }
    }

    /// Packs components in `layout`; the reserved bytes are zero.
    public init(_ components: Components, layout: Layout) {
        var bytes = [UInt8](repeating: 0, count: 8)
        switch layout {
        case .milanGenoa:
            bytes[0] = components.bootloader
            bytes[1] = components.tee
            bytes[6] = components.snp
        case .turin:
            bytes[0] = components.fmc ?? 0
            bytes[1] = components.bootloader
            bytes[2] = components.tee
            bytes[3] = components.snp
        }
        bytes[7] = components.microcode
        rawValue = bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) }
    }

    /// The components read in `layout`.
    public func components(_ layout: Layout) -> Components {
        switch layout {
        case .milanGenoa:
            return Components(bootloader: byte(0), tee: byte(1), snp: byte(6), microcode: byte(7))
        case .turin:
            return Components(fmc: byte(0), bootloader: byte(1), tee: byte(2), snp: byte(3), microcode: byte(7))
        }
    }

    private func byte(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> (8 * index)) }
}
