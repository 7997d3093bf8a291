import Foundation

/// A bzImage as QEMU's direct kernel boot hands it to the firmware: QEMU (7.2, `x86_load_linux` in hw/i386/x86.c)
/// writes boot-protocol fields into the setup header before it publishes the setup and kernel blobs on fw_cfg, and
/// OVMF's `QemuKernelLoaderFsDxe` serves their concatenation, which is the file with those fields changed. That is
/// the image OVMF measures into PCR 4, so its digest depends on the initrd size and the guest RAM, not the file alone.
///
/// Fields written (Linux boot protocol ≥ 2.02, which every kernel with an EFI stub has):
/// `vid_mode` (0x1FA, only when the command line has `vga=`), `type_of_loader` (0x210) = 0xB0,
/// `loadflags` (0x211) |= CAN_USE_HEAP, `heap_end_ptr` (0x224) = 0xFE00, `cmd_line_ptr` (0x228) = 0x20000, and with an
/// initrd `ramdisk_image` (0x218) and `ramdisk_size` (0x21C).
public struct QEMUKernelImage: Sendable {
    /// The QEMU machine whose memory layout places the initrd.
    public enum Machine: String, Sendable, Hashable, CaseIterable {
        /// `-machine q35` (the sandbox's machine).
        case q35
        /// `-machine pc` (i440FX).
        case pc
    }

    /// The image as the firmware receives it.
    public let bytes: [UInt8]
    /// The boot protocol version from the header (0x206).
    public let protocolVersion: UInt16
    /// Where QEMU loads the initrd (`ramdisk_image`), when there is one.
    public let initrdAddress: UInt32?

    /// The ACPI tables QEMU reserves at the top of low memory for machine types since 2.x (`acpi_data_size`).
    static let acpiDataSize: UInt64 = 0x20000 + 0x8000
    /// QEMU's fixed addresses for a "high and recent" kernel (protocol ≥ 2.02).
    static let realAddress: UInt32 = 0x10000
    static let commandLineAddress: UInt32 = 0x20000

    /// Patches `kernel` as QEMU does for a guest with `memoryMiB` of RAM, an initrd of `initrdSize` bytes (nil: no
    /// `-initrd`) and the command line `commandLine` (only `vga=` in it matters).
    ///
    /// - Throws: ``MeasureError/Code/kernelImage`` when the file has no Linux boot header of protocol ≥ 2.02, its
    ///   setup does not fit in it, or `vga=` has a value QEMU refuses; ``MeasureError/Code/initrdSize`` when QEMU
    ///   would refuse the initrd as too large; ``MeasureError/Code/option`` for a memory size QEMU cannot give.
    public init(kernel: [UInt8], initrdSize: Int?, memoryMiB: Int, commandLine: String = "", machine: Machine = .q35) throws(MeasureError) {
        guard kernel.count >= 0x250 else {
            throw MeasureError(.kernelImage, "the kernel is \(kernel.count) bytes, too small for a Linux boot header")
        }
        guard Self.le32(kernel, 0x202) == 0x5372_6448 else {
            throw MeasureError(.kernelImage, "the kernel has no Linux boot header (\"HdrS\" at 0x202): QEMU would boot it as PVH or multiboot, which OVMF does not measure this way")
        }
        let version = Self.le16(kernel, 0x206)
        guard version >= 0x202 else {
            throw MeasureError(.kernelImage, "the kernel's boot protocol is 0x\(String(version, radix: 16)); QEMU places only protocol 2.02 and later at the addresses predicted here")
        }
        guard kernel[0x211] & 0x01 != 0 else {
            throw MeasureError(.kernelImage, "the kernel is not a bzImage (LOADED_HIGH is clear in loadflags)")
        }
        let setupSectors = kernel[0x1F1] == 0 ? 4 : Int(kernel[0x1F1])
        let setupSize = (setupSectors + 1) * 512
        guard setupSize <= kernel.count else {
            throw MeasureError(.kernelImage, "the kernel's setup (\(setupSize) bytes) is longer than the file (\(kernel.count) bytes)")
        }
        guard memoryMiB >= 16, memoryMiB <= 16 * 1024 * 1024 else {
            throw MeasureError(.option, "guest memory \(memoryMiB) MiB is out of range (16 MiB–16 TiB)")
        }

        var bytes = kernel
        if let mode = try Self.videoMode(commandLine) { Self.put16(&bytes, 0x1FA, mode) }
        bytes[0x210] = 0xB0
        bytes[0x211] |= 0x80
        Self.put16(&bytes, 0x224, UInt16(Self.commandLineAddress - Self.realAddress - 0x200))
        Self.put32(&bytes, 0x228, Self.commandLineAddress)

        var address: UInt32?
        if let initrdSize {
            let initrdMax = Self.initrdMax(header: kernel, version: version, memoryMiB: memoryMiB, machine: machine)
            guard initrdSize >= 0, UInt64(initrdSize) < UInt64(initrdMax) else {
                throw MeasureError(.initrdSize, "the initrd (\(initrdSize) bytes) does not fit below 0x\(String(initrdMax, radix: 16)) with \(memoryMiB) MiB of RAM; QEMU refuses it")
            }
            let placed = (initrdMax - UInt32(initrdSize)) & ~UInt32(4095)
            Self.put32(&bytes, 0x218, placed)
            Self.put32(&bytes, 0x21C, UInt32(initrdSize))
            address = placed
        }
        self.bytes = bytes
        self.protocolVersion = version
        self.initrdAddress = address
    }

    /// The highest initrd address (`initrd_max`): 4 GiB − 1 when the kernel sets XLF_CAN_BE_LOADED_ABOVE_4G in
    /// `xloadflags` (0x236, protocol ≥ 2.12), else the header's `initrd_addr_max` (0x22C, protocol ≥ 2.03); either
    /// way clamped below the ACPI area at the top of the RAM under 4 GiB. (Checked against a boot with 2560 MiB,
    /// where the two rules place the initrd differently.)
    static func initrdMax(header: [UInt8], version: UInt16, memoryMiB: Int, machine: Machine) -> UInt32 {
        var limit: UInt64
        if version >= 0x20C, le16(header, 0x236) & 0x2 != 0 {
            limit = UInt64(UInt32.max)
        } else {
            limit = version >= 0x203 ? UInt64(le32(header, 0x22C)) : 0x37FF_FFFF
        }
        let below4G = belowFourGiB(memoryMiB: memoryMiB, machine: machine)
        if limit >= below4G - acpiDataSize { limit = below4G - acpiDataSize - 1 }
        return UInt32(truncatingIfNeeded: limit)
    }

    /// The RAM QEMU maps below 4 GiB (`below_4g_mem_size`): all of it up to the machine's low-memory limit
    /// (q35: 2.75 GiB, or 2 GiB once the RAM reaches 2.75 GiB; pc: 3.5 GiB, or 3 GiB likewise).
    static func belowFourGiB(memoryMiB: Int, machine: Machine) -> UInt64 {
        let ram = UInt64(memoryMiB) << 20
        let (threshold, lowered): (UInt64, UInt64) = machine == .q35 ? (0xB000_0000, 0x8000_0000) : (0xE000_0000, 0xC000_0000)
        let lowmem = ram >= threshold ? lowered : threshold
        return min(ram, lowmem)
    }

    /// The `vga=` value QEMU writes to `vid_mode`, or nil without `vga=`.
    static func videoMode(_ commandLine: String) throws(MeasureError) -> UInt16? {
        guard let range = commandLine.range(of: "vga=") else { return nil }
        let value = commandLine[range.upperBound...].prefix { $0 != " " }
        if value.hasPrefix("normal") { return 0xFFFF }
        if value.hasPrefix("ext") { return 0xFFFE }
        if value.hasPrefix("ask") { return 0xFFFD }
        let parsed: UInt64?
        if value.lowercased().hasPrefix("0x") {
            parsed = UInt64(value.dropFirst(2), radix: 16)
        } else if value.count > 1, value.hasPrefix("0") {
            parsed = UInt64(value.dropFirst(), radix: 8)
        } else {
            parsed = UInt64(value)
        }
        guard let parsed, parsed <= UInt64(UInt32.max) else {
            throw MeasureError(.kernelImage, "the command line's vga=\(value) is not a number QEMU accepts (QEMU exits with \"invalid 'vga=' kernel parameter\")")
        }
        return UInt16(truncatingIfNeeded: parsed)
    }

    static func le16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func le32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    static func put16(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt16) {
        bytes[offset] = UInt8(value & 0xFF)
        bytes[offset + 1] = UInt8(value >> 8)
    }

    static func put32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
