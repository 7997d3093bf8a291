/// The key that signed a report, and how (report offset 0x48: AUTHOR_KEY_EN, MASK_CHIP_KEY, SIGNING_KEY).
public struct SignerInfo: RawRepresentable, Sendable, Hashable {
    /// Which endorsement key signed the report.
    public enum SigningKey: Sendable, Hashable, CustomStringConvertible {
        /// The Versioned Chip Endorsement Key.
        case vcek
        /// The Versioned Loaded Endorsement Key (a cloud provider's key).
        case vlek
        /// No key: the report is unsigned.
        case none
        /// A value the ABI reserves.
        case reserved(UInt8)

        public var description: String {
            switch self {
            case .vcek: return "VCEK"
            case .vlek: return "VLEK"
            case .none: return "none"
            case .reserved(let value): return "reserved(\(value))"
            }
        }
    }

    /// The 32-bit field.
    public let rawValue: UInt32

    /// Wraps the field.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Builds the field from its parts.
    public init(signingKey: SigningKey, maskChipKey: Bool = false, authorKeyEnabled: Bool = false) {
        let key: UInt32
        switch signingKey {
        case .vcek: key = 0
        case .vlek: key = 1
        case .none: key = 7
        case .reserved(let value): key = UInt32(value & 7)
        }
        rawValue = (authorKeyEnabled ? 1 : 0) | (maskChipKey ? 2 : 0) | key << 2
    }

    /// The digest of the author key is in AUTHOR_KEY_DIGEST (bit 0).
    public var authorKeyEnabled: Bool { rawValue & 1 == 1 }
    /// The chip key was masked, so CHIP_ID is zero (bit 1).
    public var maskChipKey: Bool { rawValue >> 1 & 1 == 1 }
    /// The signing key (bits 4:2).
    public var signingKey: SigningKey {
        switch UInt8(rawValue >> 2 & 7) {
        case 0: return .vcek
        case 1: return .vlek
        case 7: return .none
        case let other: return .reserved(other)
        }
    }
    /// The bits the ABI reserves (31:5); they must be zero.
    public var reservedBits: UInt32 { rawValue >> 5 }
}
