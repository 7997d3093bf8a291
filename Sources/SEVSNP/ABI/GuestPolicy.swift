/// The guest policy the VM was launched with (SEV-SNP ABI, "Guest Policy Structure").
public struct GuestPolicy: RawRepresentable, Sendable, Hashable {
    /// The 64-bit policy value.
    public let rawValue: UInt64

    /// Wraps a policy value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The minimum guest ABI minor version (bits 7:0).
    public var abiMinor: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
    /// The minimum guest ABI major version (bits 15:8).
    public var abiMajor: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 8) }
    /// SMT is allowed (bit 16).
    public var smtAllowed: Bool { bit(16) }
    /// Association with a migration agent is allowed (bit 18).
    public var migrateMAAllowed: Bool { bit(18) }
    /// Debugging is allowed: the host can read and write guest memory (bit 19).
    public var debugAllowed: Bool { bit(19) }
    /// The guest may run on one socket only (bit 20).
    public var singleSocketRequired: Bool { bit(20) }
    /// CXL may be populated with guest memory (bit 21).
    public var cxlAllowed: Bool { bit(21) }
    /// AES-256-XTS is required for memory encryption (bit 22).
    public var memAES256XTSRequired: Bool { bit(22) }
    /// Running Average Power Limit must be disabled (bit 23).
    public var raplDisabled: Bool { bit(23) }
    /// Ciphertext hiding must be enabled (bit 24).
    public var ciphertextHidingRequired: Bool { bit(24) }
    /// Page swap (SNP_PAGE_MOVE and friends) is disabled (bit 25).
    public var pageSwapDisabled: Bool { bit(25) }

    private func bit(_ n: Int) -> Bool { rawValue >> n & 1 == 1 }
}

/// The platform state when the report was made (SEV-SNP ABI, "PLATFORM_INFO").
public struct PlatformInfo: RawRepresentable, Sendable, Hashable {
    /// The 64-bit value.
    public let rawValue: UInt64

    /// Wraps a value.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// SMT is enabled on the platform (bit 0).
    public var smtEnabled: Bool { bit(0) }
    /// Transparent SME is enabled (bit 1).
    public var tsmeEnabled: Bool { bit(1) }
    /// The platform uses error-correcting memory (bit 2).
    public var eccEnabled: Bool { bit(2) }
    /// RAPL is disabled (bit 3).
    public var raplDisabled: Bool { bit(3) }
    /// Ciphertext hiding is enabled (bit 4).
    public var ciphertextHidingEnabled: Bool { bit(4) }
    /// The alias check has completed (bit 5).
    public var aliasCheckComplete: Bool { bit(5) }
    /// SEV-TIO is enabled (bit 7).
    public var tioEnabled: Bool { bit(7) }

    private func bit(_ n: Int) -> Bool { rawValue >> n & 1 == 1 }
}
