import Crypto

/// The SEV-SNP launch digest as the firmware's SNP_LAUNCH_UPDATE computes it: each page's PAGE_INFO hashed with
/// SHA-384 into the running digest.
///
/// PAGE_INFO (SNP ABI, "Layout of the PAGE_INFO structure", 0x70 bytes): DIGEST_CUR (48), CONTENTS (48), LENGTH
/// (u16 = 0x70), PAGE_TYPE (u8), IMI_PAGE (u8), VMPL3/2/1 permissions and a reserved byte (all zero here), GPA (u64).
public struct SNPLaunchDigest: Sendable, Hashable {
    /// The page types of SNP_LAUNCH_UPDATE.
    public enum PageType: UInt8, Sendable {
        /// A page of data, measured by its SHA-384.
        case normal = 1
        /// A VMSA page.
        case vmsa = 2
        /// A page of zeros.
        case zero = 3
        /// An unmeasured page.
        case unmeasured = 4
        /// The secrets page.
        case secrets = 5
        /// The CPUID page.
        case cpuid = 6
    }

    /// The guest-physical address a VMSA page is recorded at: (u64)-1, page-aligned, bits above 51 clear.
    public static let vmsaGPA: UInt64 = 0xFFFF_FFFF_F000

    /// The current digest (48 bytes).
    public private(set) var value: [UInt8]

    /// A digest starting from `seed` (48 zero bytes at launch, or a precomputed firmware digest).
    public init(seed: [UInt8] = [UInt8](repeating: 0, count: 48)) { value = seed }

    /// Folds one page into the digest.
    public mutating func update(type: PageType, gpa: UInt64, contents: [UInt8]) {
        var info = [UInt8]()
        info.reserveCapacity(0x70)
        info += value
        info += contents
        info += [0x70, 0x00, type.rawValue, 0, 0, 0, 0, 0]
        withUnsafeBytes(of: gpa.littleEndian) { info += $0 }
        value = Array(SHA384.hash(data: info))
    }

    /// Folds data pages starting at `gpa` (the data is a whole number of pages).
    public mutating func updateNormalPages(gpa: UInt64, data: some RandomAccessCollection<UInt8>) {
        var offset = 0
        var index = data.startIndex
        while offset < data.count {
            let end = data.index(index, offsetBy: 4096)
            update(type: .normal, gpa: gpa + UInt64(offset), contents: Array(SHA384.hash(data: Array(data[index..<end]))))
            index = end
            offset += 4096
        }
    }

    /// Folds `length` bytes of pages of one content-less type (zero, unmeasured) starting at `gpa`.
    public mutating func updateEmptyPages(type: PageType, gpa: UInt64, length: UInt64) {
        var offset: UInt64 = 0
        while offset < length {
            update(type: type, gpa: gpa + offset, contents: [UInt8](repeating: 0, count: 48))
            offset += 4096
        }
    }

    /// Folds one VMSA page.
    public mutating func updateVMSA(_ page: [UInt8]) {
        update(type: .vmsa, gpa: Self.vmsaGPA, contents: Array(SHA384.hash(data: page)))
    }
}
