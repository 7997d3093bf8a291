/// OVMF's SEV metadata (`ASEV`, version 1): the guest-physical ranges the host must prepare before launch.
///
/// The GUID table entry ``FirmwareGUID/sevMetadata`` holds the offset of the block from the end of the image. The
/// block is a 16-byte header (`ASEV`, size, version, count) followed by `count` 12-byte sections (GPA, size, type).
public struct SEVMetadata: Sendable, Hashable {
    /// What the host puts in a section's pages.
    public enum SectionType: UInt32, Sendable, Hashable, CustomStringConvertible {
        /// Pre-validated memory, measured as zero pages (unmeasured on GCE).
        case secMemory = 1
        /// The SNP secrets page.
        case secrets = 2
        /// The CPUID page.
        case cpuid = 3
        /// The SVSM calling-area page, measured as zero pages.
        case svsmCallingArea = 4
        /// The page holding the kernel, initrd and command-line hashes.
        case kernelHashes = 0x10

        public var description: String {
            switch self {
            case .secMemory: "SNP_SEC_MEM"
            case .secrets: "SNP_SECRETS"
            case .cpuid: "CPUID"
            case .svsmCallingArea: "SVSM_CAA"
            case .kernelHashes: "SNP_KERNEL_HASHES"
            }
        }
    }

    /// One section: a range of guest-physical memory and what goes there.
    public struct Section: Sendable, Hashable {
        /// The first guest-physical address.
        public let gpa: UInt64
        /// The size in bytes (a multiple of 4 KiB).
        public let size: UInt64
        /// What the host puts there.
        public let type: SectionType
    }

    /// The sections, in the order the firmware lists them (which is the order they are measured).
    public let sections: [Section]

    /// Reads the SEV metadata of `image`, or `nil` when the image has no SEV metadata pointer.
    /// - Throws: ``MeasureError/Code/sevMetadata`` when the pointer leads to a malformed block.
    public init?(image: FirmwareImage) throws(MeasureError) {
        guard let offsetFromEnd = image.entryUInt32(.sevMetadata) else { return nil }
        let bytes = image.bytes
        guard offsetFromEnd >= 16, Int(offsetFromEnd) <= bytes.count else {
            throw MeasureError(.sevMetadata, "SEV metadata offset \(offsetFromEnd) from the end is outside the image")
        }
        let start = bytes.count - Int(offsetFromEnd)
        guard bytes[start..<(start + 4)].elementsEqual("ASEV".utf8) else {
            throw MeasureError(.sevMetadata, "SEV metadata at offset \(start) does not start with ASEV")
        }
        let size = Int(ByteReader.uint32(bytes, at: start + 4))
        let version = ByteReader.uint32(bytes, at: start + 8)
        let count = Int(ByteReader.uint32(bytes, at: start + 12))
        guard version == 1 else { throw MeasureError(.sevMetadata, "SEV metadata version \(version) is not 1") }
        guard size >= 16 + 12 * count, start + size <= bytes.count else {
            throw MeasureError(.sevMetadata, "SEV metadata of \(size) bytes with \(count) sections does not fit the image")
        }
        var sections: [Section] = []
        for index in 0..<count {
            let at = start + 16 + 12 * index
            let gpa = UInt64(ByteReader.uint32(bytes, at: at))
            let length = UInt64(ByteReader.uint32(bytes, at: at + 4))
            let rawType = ByteReader.uint32(bytes, at: at + 8)
            guard let type = SectionType(rawValue: rawType) else {
                throw MeasureError(.sevMetadata, "SEV metadata section \(index) has unknown type \(rawType)")
            }
            guard gpa % 4096 == 0, length % 4096 == 0 || type == .secrets || type == .cpuid else {
                throw MeasureError(.sevMetadata, "SEV metadata section \(index) (\(type)) at \(gpa) of \(length) bytes is not page-aligned")
            }
            sections.append(Section(gpa: gpa, size: length, type: type))
        }
        self.sections = sections
    }

    /// Whether a section of `type` is present.
    public func contains(_ type: SectionType) -> Bool { sections.contains { $0.type == type } }
}
