import Crypto

/// MRTD of a TD launched from a TDVF image: the SHA-384 over every TDH.MEM.PAGE.ADD and TDH.MR.EXTEND the host
/// performs for the TDVF sections (Intel TDX module ABI: each PAGE.ADD contributes a 128-byte block
/// `"MEM.PAGE.ADD"` ‖ zeros ‖ GPA at byte 16; each MR.EXTEND a 128-byte block `"MR.EXTEND"` ‖ zeros ‖ GPA at byte
/// 16, followed by the 256 bytes of content).
///
/// Sections marked PAGE_AUG are not added before launch and do not count. Hosts differ in order: upstream KVM adds
/// and extends page by page (``PageOrder/singlePass``); earlier TDX host stacks added all pages of a section and
/// then extended them (``PageOrder/twoPass``).
public struct TDXMeasurement: Sendable {
    /// The order in which a host adds and extends a section's pages.
    public enum PageOrder: String, Sendable, Hashable, CaseIterable {
        /// Each page is added, then its content extended, before the next page (upstream Linux KVM).
        case singlePass = "single-pass"
        /// All pages of a section are added, then all are extended (earlier TDX host kernels).
        case twoPass = "two-pass"
    }

    /// The firmware image.
    public let image: FirmwareImage
    /// Its TDVF metadata.
    public let metadata: TDVFMetadata

    /// Prepares the measurement of `image`.
    /// - Throws: ``MeasureError/Code/tdvfMetadata`` when the image has no (or malformed) TDVF metadata.
    public init(image: FirmwareImage) throws(MeasureError) {
        guard let metadata = try TDVFMetadata(image: image) else {
            throw MeasureError(.tdvfMetadata, "the firmware has no TDVF metadata (OVMF GUID e47a6535-984a-4798-865e-4685a7bf8ec2); it cannot launch a TDX guest")
        }
        self.image = image
        self.metadata = metadata
    }

    /// MRTD (48 bytes) for hosts that add pages in `order`.
    public func mrtd(order: PageOrder = .singlePass) -> [UInt8] {
        var hash = SHA384()
        for section in metadata.sections {
            let pages = section.memoryDataSize / 4096
            switch order {
            case .singlePass:
                for page in 0..<pages {
                    addPage(section, page, into: &hash)
                    extend(section, page, into: &hash)
                }
            case .twoPass:
                for page in 0..<pages { addPage(section, page, into: &hash) }
                for page in 0..<pages { extend(section, page, into: &hash) }
            }
        }
        return Array(hash.finalize())
    }

    private func addPage(_ section: TDVFMetadata.Section, _ page: UInt64, into hash: inout SHA384) {
        guard !section.pageAugmented else { return }
        hash.update(data: Self.block("MEM.PAGE.ADD", gpa: section.memoryAddress + page * 4096))
    }

    private func extend(_ section: TDVFMetadata.Section, _ page: UInt64, into hash: inout SHA384) {
        guard section.extendsMR else { return }
        for chunk in 0..<UInt64(16) {
            let offset = page * 4096 + chunk * 256
            hash.update(data: Self.block("MR.EXTEND", gpa: section.memoryAddress + offset))
            let start = Int(UInt64(section.dataOffset) + offset)
            hash.update(data: image.bytes[start..<(start + 256)])
        }
    }

    /// A 128-byte extension block: the operation name, zeros to byte 16, the GPA (little-endian), zeros.
    static func block(_ operation: String, gpa: UInt64) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 128)
        for (index, byte) in operation.utf8.enumerated() { block[index] = byte }
        withUnsafeBytes(of: gpa.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { block[16 + index] = byte }
        }
        return block
    }
}
