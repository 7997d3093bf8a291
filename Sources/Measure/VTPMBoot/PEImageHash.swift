import Crypto

/// The digest UEFI firmware measures for a PE/COFF image it loads (`EV_EFI_BOOT_SERVICES_APPLICATION`), computed as
/// EDK2's `Tcg2MeasurePeImage` does (the Authenticode image hash, Microsoft PE/COFF specification, "Calculating the
/// PE Image Hash"):
///
/// 1. the headers up to the optional header's `CheckSum`, then up to the certificate-table directory entry, then up
///    to `SizeOfHeaders` (skipping the checksum and that entry);
/// 2. each section with raw data, in ascending `PointerToRawData` order;
/// 3. whatever follows the last hashed byte, minus the certificate table's size.
public struct PEImageHash: Sendable {
    /// The byte ranges hashed, in order.
    public let ranges: [Range<Int>]

    /// Reads the layout of the PE image `image`.
    ///
    /// - Throws: ``MeasureError/Code/kernelImage`` when it is not a PE32 or PE32+ image or a header, section or the
    ///   certificate table lies outside it.
    public init(image: [UInt8]) throws(MeasureError) {
        func u16(_ offset: Int, _ what: String) throws(MeasureError) -> Int {
            guard offset >= 0, offset + 2 <= image.count else { throw Self.outside(what, image.count) }
            return Int(image[offset]) | Int(image[offset + 1]) << 8
        }
        func u32(_ offset: Int, _ what: String) throws(MeasureError) -> Int {
            guard offset >= 0, offset + 4 <= image.count else { throw Self.outside(what, image.count) }
            return (0..<4).reduce(0) { $0 | Int(image[offset + $1]) << (8 * $1) }
        }
        guard try u16(0, "the DOS header") == 0x5A4D else {
            throw MeasureError(.kernelImage, "the kernel is not a PE image (no \"MZ\"); OVMF cannot load or measure it as an EFI application")
        }
        let peOffset = try u32(0x3C, "e_lfanew")
        guard try u32(peOffset, "the PE signature") == 0x0000_4550 else {
            throw MeasureError(.kernelImage, "no \"PE\\0\\0\" signature at e_lfanew 0x\(String(peOffset, radix: 16))")
        }
        let sectionCount = try u16(peOffset + 6, "NumberOfSections")
        let optionalSize = try u16(peOffset + 20, "SizeOfOptionalHeader")
        let optional = peOffset + 24
        let magic = try u16(optional, "the optional header magic")
        let directoryCountOffset: Int
        switch magic {
        case 0x10B: directoryCountOffset = optional + 92
        case 0x20B: directoryCountOffset = optional + 108
        default: throw MeasureError(.kernelImage, "optional header magic 0x\(String(magic, radix: 16)) is neither PE32 nor PE32+")
        }
        let checksum = optional + 64
        let headersSize = try u32(optional + 60, "SizeOfHeaders")
        let directoryCount = try u32(directoryCountOffset, "NumberOfRvaAndSizes")
        let securityEntry = directoryCountOffset + 4 + 4 * 8
        guard headersSize <= image.count, checksum + 4 <= headersSize else {
            throw MeasureError(.kernelImage, "SizeOfHeaders \(headersSize) does not fit the image (\(image.count) bytes) and its optional header")
        }

        var ranges: [Range<Int>] = [0..<checksum]
        var certificateSize = 0
        if directoryCount > 4 {
            guard securityEntry + 8 <= headersSize else { throw Self.outside("the certificate-table directory entry", headersSize) }
            ranges.append((checksum + 4)..<securityEntry)
            ranges.append((securityEntry + 8)..<headersSize)
            certificateSize = try u32(securityEntry + 4, "the certificate table size")
        } else {
            ranges.append((checksum + 4)..<headersSize)
        }

        let table = optional + optionalSize
        var sections: [(pointer: Int, size: Int)] = []
        for index in 0..<sectionCount {
            let entry = table + 40 * index
            let size = try u32(entry + 16, "section \(index) SizeOfRawData")
            let pointer = try u32(entry + 20, "section \(index) PointerToRawData")
            guard size > 0 else { continue }
            guard pointer + size <= image.count else {
                throw MeasureError(.kernelImage, "section \(index) (raw data 0x\(String(pointer, radix: 16))+0x\(String(size, radix: 16))) lies outside the image (\(image.count) bytes)")
            }
            sections.append((pointer, size))
        }
        var hashed = headersSize
        for section in sections.enumerated().sorted(by: { ($0.element.pointer, $0.offset) < ($1.element.pointer, $1.offset) }).map(\.element) {
            ranges.append(section.pointer..<(section.pointer + section.size))
            hashed += section.size
        }
        if image.count > hashed {
            guard image.count >= hashed + certificateSize else {
                throw MeasureError(.kernelImage, "the certificate table (\(certificateSize) bytes) is larger than the \(image.count - hashed) bytes after the sections")
            }
            if image.count > hashed + certificateSize { ranges.append(hashed..<(image.count - certificateSize)) }
        }
        self.ranges = ranges
    }

    /// The image hash of `image` (the bytes this layout was read from) with `H`.
    public func digest<H: HashFunction>(of image: [UInt8], using _: H.Type) -> [UInt8] {
        var hash = H()
        for range in ranges { hash.update(data: image[range]) }
        return Array(hash.finalize())
    }

    private static func outside(_ what: String, _ size: Int) -> MeasureError {
        MeasureError(.kernelImage, "\(what) lies outside the PE image (\(size) bytes)")
    }
}
