/// A UEFI GUID in its on-disk (mixed-endian) byte order, as firmware tables store it.
public struct FirmwareGUID: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bytes as stored: the first three fields little-endian, the last eight bytes as written.
    public let bytes: [UInt8]

    /// The GUID `d1-d2-d3-d4[0..1]-d4[2..7]` from its fields.
    public init(_ d1: UInt32, _ d2: UInt16, _ d3: UInt16, _ d4: [UInt8]) {
        var bytes = withUnsafeBytes(of: d1.littleEndian, Array.init)
        bytes += withUnsafeBytes(of: d2.littleEndian, Array.init)
        bytes += withUnsafeBytes(of: d3.littleEndian, Array.init)
        bytes += d4.prefix(8)
        bytes += [UInt8](repeating: 0, count: max(0, 8 - d4.count))
        self.bytes = bytes
    }

    /// A GUID from its 16 stored bytes (`nil` unless exactly 16).
    public init?(stored: some Collection<UInt8>) {
        guard stored.count == 16 else { return nil }
        bytes = Array(stored)
    }

    /// The registry form, e.g. `96b582de-1fb2-45f7-baea-a366c55a082d`.
    public var description: String {
        func hex(_ range: some Sequence<UInt8>) -> String { range.map { byte in
            let text = String(byte, radix: 16)
            return byte < 0x10 ? "0" + text : text
        }.joined() }
        return [
            hex(bytes[0..<4].reversed()), hex(bytes[4..<6].reversed()), hex(bytes[6..<8].reversed()),
            hex(bytes[8..<10]), hex(bytes[10..<16]),
        ].joined(separator: "-")
    }
}

extension FirmwareGUID {
    /// The OVMF GUID table footer (`96b582de-1fb2-45f7-baea-a366c55a082d`).
    public static let ovmfTableFooter = FirmwareGUID(0x96b5_82de, 0x1fb2, 0x45f7, [0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d])
    /// The SEV metadata pointer (`dc886566-984a-4798-a75e-5585a7bf67cc`): an offset from the end of the image.
    public static let sevMetadata = FirmwareGUID(0xdc88_6566, 0x984a, 0x4798, [0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc])
    /// The SEV-ES reset block (`00f771de-1a7e-4fcb-890e-68c77e2fb44e`): the application processors' reset address.
    public static let sevESResetBlock = FirmwareGUID(0x00f7_71de, 0x1a7e, 0x4fcb, [0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e])
    /// The SEV kernel-hashes table location (`7255371f-3a3b-4b04-927b-1da6efa8d454`): its guest-physical address.
    public static let sevHashTableLocation = FirmwareGUID(0x7255_371f, 0x3a3b, 0x4b04, [0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54])
    /// The TDVF metadata pointer (`e47a6535-984a-4798-865e-4685a7bf8ec2`): an offset from the end of the image.
    public static let tdvfMetadata = FirmwareGUID(0xe47a_6535, 0x984a, 0x4798, [0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2])
}
