/// TDATTRIBUTES, the 64-bit attribute field of a TD (Intel TDX Module ABI, "TDATTRIBUTES"), as its raw eight bytes
/// with the named bits Trustee reports.
public struct TDAttributes: Sendable, Hashable {
    /// The eight bytes as in the quote (little-endian).
    public let bytes: [UInt8]

    /// Wraps the eight bytes of the field.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The field as an integer.
    public var rawValue: UInt64 { bytes.littleEndianValue }

    /// Bit 0: the TD is a debug TD, its state readable by the host.
    public var debug: Bool { rawValue & 1 != 0 }
    /// Bit 28: EPT violations are not converted to #VE (SEPT_VE_DISABLE).
    public var septVEDisable: Bool { rawValue & (1 << 28) != 0 }
    /// Bit 30: protection keys (PKS) are enabled.
    public var protectionKeys: Bool { rawValue & (1 << 30) != 0 }
    /// Bit 31: Key Locker is enabled.
    public var keyLocker: Bool { rawValue & (1 << 31) != 0 }
    /// Bit 63: performance monitoring is enabled.
    public var perfmon: Bool { rawValue & (1 << 63) != 0 }
}
