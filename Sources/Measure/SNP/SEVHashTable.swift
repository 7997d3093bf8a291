import Crypto

/// The table of kernel, initrd and command-line SHA-256 hashes QEMU writes into the firmware's kernel-hashes page
/// (so that OVMF can check what it loads from fw_cfg).
///
/// Layout: header GUID `9438d606-4f22-4cc9-b479-a793d411fd21` and u16 length, then three entries of GUID, u16 length
/// (50) and SHA-256 in the order command line, initrd, kernel; padded with zeros to a multiple of 16 bytes.
public struct SEVHashTable: Sendable, Hashable {
    /// SHA-256 of the kernel image.
    public let kernel: [UInt8]
    /// SHA-256 of the initrd (of nothing when there is none).
    public let initrd: [UInt8]
    /// SHA-256 of the command line with its terminating NUL (a lone NUL when empty).
    public let commandLine: [UInt8]

    static let header = FirmwareGUID(0x9438_d606, 0x4f22, 0x4cc9, [0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21])
    static let kernelEntry = FirmwareGUID(0x4de7_9437, 0xabd2, 0x427f, [0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b])
    static let initrdEntry = FirmwareGUID(0x44ba_f731, 0x3a2f, 0x4bd7, [0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d])
    static let commandLineEntry = FirmwareGUID(0x97d0_2dd8, 0xbd20, 0x4c94, [0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a])

    /// The hashes of a kernel, an optional initrd and an optional command line.
    public init(kernel: [UInt8], initrd: [UInt8]?, commandLine: String?) {
        self.kernel = Array(SHA256.hash(data: kernel))
        self.initrd = Array(SHA256.hash(data: initrd ?? []))
        self.commandLine = Array(SHA256.hash(data: Array((commandLine ?? "").utf8) + [0]))
    }

    /// The table bytes, padded to 16 bytes.
    public var table: [UInt8] {
        func entry(_ guid: FirmwareGUID, _ hash: [UInt8]) -> [UInt8] { guid.bytes + [50, 0] + hash }
        let body = entry(Self.commandLineEntry, commandLine) + entry(Self.initrdEntry, initrd) + entry(Self.kernelEntry, kernel)
        let length = 18 + body.count
        var bytes = Self.header.bytes + [UInt8(length & 0xFF), UInt8(length >> 8)] + body
        bytes += [UInt8](repeating: 0, count: (16 - bytes.count % 16) % 16)
        return bytes
    }

    /// A 4 KiB page with the table at `offset` (the table's address within its page), zeros elsewhere.
    public func page(offset: Int) -> [UInt8] {
        let table = self.table
        var page = [UInt8](repeating: 0, count: 4096)
        guard offset >= 0, offset + table.count <= 4096 else { return page }
        page.replaceSubrange(offset..<(offset + table.count), with: table)
        return page
    }
}
