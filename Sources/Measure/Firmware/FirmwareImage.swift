/// An OVMF/TDVF firmware image and the GUID table at its end.
///
/// QEMU maps the image so that it ends at 4 GiB; OVMF keeps a table of GUID-tagged entries that ends 32 bytes before
/// the end of the image. Each entry is `data ‖ size (u16) ‖ GUID`, read backwards from the footer, whose own size
/// covers the whole table.
public struct FirmwareImage: Sendable {
    /// The image bytes.
    public let bytes: [UInt8]
    /// The GUID table: each entry's data (without its size and GUID), by GUID.
    public let table: [FirmwareGUID: ArraySlice<UInt8>]

    /// The size of a table entry's trailer: a 2-byte size and a 16-byte GUID.
    static let entryTrailer = 18

    /// Reads an image and its GUID table.
    /// - Throws: ``MeasureError`` when the image is empty, not a whole number of 4 KiB pages, over 4 GiB, or its
    ///   GUID table is malformed. An image without the table footer has an empty table.
    public init(bytes: [UInt8]) throws(MeasureError) {
        guard !bytes.isEmpty, bytes.count % 4096 == 0 else {
            throw MeasureError(.firmwareSize, "firmware image of \(bytes.count) bytes is not a whole number of 4 KiB pages")
        }
        guard UInt64(bytes.count) <= 1 << 32 else {
            throw MeasureError(.firmwareSize, "firmware image of \(bytes.count) bytes does not fit below 4 GiB")
        }
        self.bytes = bytes
        self.table = try Self.readTable(bytes)
    }

    /// The guest-physical address of the first byte: the image ends at 4 GiB.
    public var gpa: UInt64 { (1 << 32) - UInt64(bytes.count) }

    /// The data of the table entry `guid`, or `nil`.
    public func entry(_ guid: FirmwareGUID) -> ArraySlice<UInt8>? { table[guid] }

    /// The little-endian 32-bit value at the start of entry `guid`, or `nil` when absent or shorter than 4 bytes.
    public func entryUInt32(_ guid: FirmwareGUID) -> UInt32? {
        guard let data = table[guid], data.count >= 4 else { return nil }
        return ByteReader.uint32(data, at: data.startIndex)
    }

    private static func readTable(_ bytes: [UInt8]) throws(MeasureError) -> [FirmwareGUID: ArraySlice<UInt8>] {
        let footerStart = bytes.count - 32 - entryTrailer
        guard footerStart >= 0 else { return [:] }
        guard FirmwareGUID(stored: bytes[(footerStart + 2)..<(footerStart + entryTrailer)]) == .ovmfTableFooter else {
            return [:]
        }
        let tableSize = Int(ByteReader.uint16(bytes, at: footerStart)) - entryTrailer
        guard tableSize >= 0, tableSize <= footerStart else {
            throw MeasureError(.guidTable, "GUID table footer gives a size of \(tableSize + entryTrailer) bytes, outside the image")
        }
        var table: [FirmwareGUID: ArraySlice<UInt8>] = [:]
        var end = footerStart
        let start = footerStart - tableSize
        while end - start >= entryTrailer {
            let trailer = end - entryTrailer
            let size = Int(ByteReader.uint16(bytes, at: trailer))
            guard size >= entryTrailer, size <= end - start,
                  let guid = FirmwareGUID(stored: bytes[(trailer + 2)..<end]) else {
                throw MeasureError(.guidTable, "GUID table entry ending at offset \(end) has size \(size), outside the table")
            }
            table[guid] = bytes[(end - size)..<trailer]
            end -= size
        }
        return table
    }
}

/// Little-endian reads at indices the caller has bounds-checked (indices of the collection itself, so a slice is read
/// at its parent's positions).
enum ByteReader {
    static func uint16<C: RandomAccessCollection<UInt8>>(_ bytes: C, at index: Int) -> UInt16 where C.Index == Int {
        UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
    }

    static func uint32<C: RandomAccessCollection<UInt8>>(_ bytes: C, at index: Int) -> UInt32 where C.Index == Int {
        UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
    }

    static func uint64<C: RandomAccessCollection<UInt8>>(_ bytes: C, at index: Int) -> UInt64 where C.Index == Int {
        UInt64(uint32(bytes, at: index)) | UInt64(uint32(bytes, at: index + 4)) << 32
    }
}
