/// TDVF metadata (Intel TDX Virtual Firmware design guide, "TDVF metadata"): the sections the host loads into a TD
/// before launch and how each is measured.
///
/// The GUID table entry ``FirmwareGUID/tdvfMetadata`` ends with a 32-bit offset from the end of the image to the
/// descriptor: `TDVF`, length, version (1), section count, then 32-byte sections (data offset and raw size in the
/// image, guest-physical address and memory size, type, attributes).
public struct TDVFMetadata: Sendable, Hashable {
    /// What a section holds.
    public enum SectionType: UInt32, Sendable, Hashable, CustomStringConvertible {
        /// The boot firmware volume (code).
        case bfv = 0
        /// The configuration firmware volume (UEFI variables).
        case cfv = 1
        /// The TD HOB the host writes.
        case tdHOB = 2
        /// Temporary memory for the firmware.
        case tempMemory = 3
        /// Permanent memory.
        case permanentMemory = 4
        /// A payload (kernel) loaded by the host.
        case payload = 5
        /// The payload's parameters (command line).
        case payloadParameters = 6

        public var description: String {
            switch self {
            case .bfv: "BFV"
            case .cfv: "CFV"
            case .tdHOB: "TD_HOB"
            case .tempMemory: "TempMem"
            case .permanentMemory: "PermMem"
            case .payload: "Payload"
            case .payloadParameters: "PayloadParam"
            }
        }
    }

    /// One section.
    public struct Section: Sendable, Hashable {
        /// Offset of the section's data in the image.
        public let dataOffset: UInt32
        /// Size of the section's data in the image.
        public let rawDataSize: UInt32
        /// Guest-physical address.
        public let memoryAddress: UInt64
        /// Size in guest memory (whole pages).
        public let memoryDataSize: UInt64
        /// What it holds.
        public let type: SectionType
        /// Attribute bits: ``extendsMR`` (0x1), ``pageAugmented`` (0x2).
        public let attributes: UInt32

        /// MR_EXTEND: the content is measured into MRTD (TDH.MR.EXTEND, 256 bytes at a time).
        public var extendsMR: Bool { attributes & 0x1 != 0 }
        /// PAGE_AUG: the pages are added after launch (TDH.MEM.PAGE.AUG) and not measured at all.
        public var pageAugmented: Bool { attributes & 0x2 != 0 }
    }

    /// The sections in the order the firmware lists them (the order the host adds them).
    public let sections: [Section]

    /// Reads the TDVF metadata of `image`, or `nil` when it has no TDVF metadata pointer.
    /// - Throws: ``MeasureError/Code/tdvfMetadata`` naming what is malformed.
    public init?(image: FirmwareImage) throws(MeasureError) {
        guard let entry = image.entry(.tdvfMetadata) else { return nil }
        guard entry.count >= 4 else { throw MeasureError(.tdvfMetadata, "the TDVF metadata pointer entry is \(entry.count) bytes") }
        let offsetFromEnd = Int(ByteReader.uint32(entry, at: entry.endIndex - 4))
        let bytes = image.bytes
        guard offsetFromEnd >= 16, offsetFromEnd <= bytes.count else {
            throw MeasureError(.tdvfMetadata, "TDVF descriptor offset \(offsetFromEnd) from the end is outside the image")
        }
        let start = bytes.count - offsetFromEnd
        guard bytes[start..<(start + 4)].elementsEqual("TDVF".utf8) else {
            throw MeasureError(.tdvfMetadata, "the TDVF descriptor at offset \(start) does not start with TDVF")
        }
        let version = ByteReader.uint32(bytes, at: start + 8)
        guard version == 1 else { throw MeasureError(.tdvfMetadata, "TDVF metadata version \(version) is not 1") }
        let count = Int(ByteReader.uint32(bytes, at: start + 12))
        guard count <= 1024, start + 16 + 32 * count <= bytes.count else {
            throw MeasureError(.tdvfMetadata, "TDVF metadata with \(count) sections does not fit the image")
        }
        var sections: [Section] = []
        for index in 0..<count {
            let at = start + 16 + 32 * index
            let rawType = ByteReader.uint32(bytes, at: at + 24)
            guard let type = SectionType(rawValue: rawType) else {
                throw MeasureError(.tdvfMetadata, "TDVF section \(index) has unknown type \(rawType)")
            }
            let section = Section(
                dataOffset: ByteReader.uint32(bytes, at: at), rawDataSize: ByteReader.uint32(bytes, at: at + 4),
                memoryAddress: ByteReader.uint64(bytes, at: at + 8), memoryDataSize: ByteReader.uint64(bytes, at: at + 16),
                type: type, attributes: ByteReader.uint32(bytes, at: at + 28)
            )
            // A TD's initial memory lies below 4 GiB plus a little; larger sizes are malformed, not work to do.
            guard section.memoryDataSize <= 1 << 34, section.memoryAddress <= 1 << 52 else {
                throw MeasureError(.tdvfMetadata, "TDVF section \(index) (\(type)) at \(section.memoryAddress) of \(section.memoryDataSize) bytes is out of range")
            }
            guard section.memoryAddress % 4096 == 0, section.memoryDataSize % 4096 == 0,
                  section.memoryDataSize >= UInt64(section.rawDataSize) else {
                throw MeasureError(.tdvfMetadata, "TDVF section \(index) (\(type)) at \(section.memoryAddress) of \(section.memoryDataSize) bytes is not whole pages holding its \(section.rawDataSize) bytes of data")
            }
            if section.extendsMR {
                guard UInt64(section.dataOffset) + section.memoryDataSize <= UInt64(bytes.count) else {
                    throw MeasureError(.tdvfMetadata, "TDVF section \(index) (\(type)) is measured but its data lies outside the image")
                }
            }
            sections.append(section)
        }
        self.sections = sections
    }
}
