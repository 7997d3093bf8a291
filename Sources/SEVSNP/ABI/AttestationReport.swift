import HermeticCore

/// The SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI specification, "ATTESTATION_REPORT Structure"), versions 2, 3 and 5.
///
/// | offset | field | | offset | field |
/// |---|---|---|---|---|
/// | 0x000 | VERSION | | 0x140 | REPORT_ID |
/// | 0x004 | GUEST_SVN | | 0x160 | REPORT_ID_MA |
/// | 0x008 | POLICY | | 0x180 | REPORTED_TCB |
/// | 0x010 | FAMILY_ID | | 0x188 | CPUID_FAM_ID, CPUID_MOD_ID, CPUID_STEP (v3+) |
/// | 0x020 | IMAGE_ID | | 0x1A0 | CHIP_ID |
/// | 0x030 | VMPL | | 0x1E0 | COMMITTED_TCB |
/// | 0x034 | SIGNATURE_ALGO | | 0x1E8 | CURRENT_BUILD, _MINOR, _MAJOR |
/// | 0x038 | CURRENT_TCB | | 0x1EC | COMMITTED_BUILD, _MINOR, _MAJOR |
/// | 0x040 | PLATFORM_INFO | | 0x1F0 | LAUNCH_TCB |
/// | 0x048 | signer info (AUTHOR_KEY_EN, MASK_CHIP_KEY, SIGNING_KEY) | | 0x1F8 | LAUNCH_MIT_VECTOR (v5) |
/// | 0x050 | REPORT_DATA | | 0x200 | CURRENT_MIT_VECTOR (v5) |
/// | 0x090 | MEASUREMENT | | 0x2A0 | SIGNATURE |
/// | 0x0C0 | HOST_DATA | | | |
/// | 0x0E0 | ID_KEY_DIGEST | | | |
/// | 0x110 | AUTHOR_KEY_DIGEST | | | |
///
/// Parsing checks the format only: the size, every must-be-zero range and the signer-info reserved bits. Whether a
/// version, TCB or policy is acceptable is decided by verification and validation. ``encoded()`` is the inverse of
/// ``init(bytes:)`` for every report that parses.
public struct AttestationReport: Sendable, Hashable {
    /// The size of a report in bytes.
    public static let size = 0x4A0
    /// The bytes the signature covers.
    public static let signedRange = 0..<0x2A0
    /// The report versions this parser reads.
    public static let supportedVersions: ClosedRange<UInt32> = 2...5

    /// A firmware version (major.minor, build).
    public struct FirmwareVersion: Sendable, Hashable, CustomStringConvertible {
        public var major: UInt8
        public var minor: UInt8
        public var build: UInt8
        /// Creates a version.
        public init(major: UInt8 = 0, minor: UInt8 = 0, build: UInt8 = 0) {
            self.major = major
            self.minor = minor
            self.build = build
        }
        public var description: String { "\(major).\(minor).\(build)" }
    }

    /// The CPUID family, model and stepping of the chip (report version 3 and later).
    public struct CPUID: Sendable, Hashable {
        public var family: UInt8
        public var model: UInt8
        public var stepping: UInt8
        /// Creates a CPUID triple.
        public init(family: UInt8, model: UInt8, stepping: UInt8) {
            self.family = family
            self.model = model
            self.stepping = stepping
        }
    }

    /// The ECDSA P-384 signature, r and s as 72-byte little-endian integers.
    public struct Signature: Sendable, Hashable {
        public var r: [UInt8]
        public var s: [UInt8]
        /// Creates a signature from little-endian r and s (each padded to 72 bytes).
        public init(r: [UInt8] = [], s: [UInt8] = []) {
            self.r = r
            self.s = s
        }
        /// The big-endian r‖s (48 bytes each) that P-384 verification takes.
        public var rawP384: [UInt8] { Array(r.prefix(48).reversed()) + Array(s.prefix(48).reversed()) }
    }

    public var version: UInt32 = 2
    public var guestSVN: UInt32 = 0
    public var policy = GuestPolicy(rawValue: 0x30000)
    public var familyID = [UInt8](repeating: 0, count: 16)
    public var imageID = [UInt8](repeating: 0, count: 16)
    public var vmpl: UInt32 = 0
    public var signatureAlgorithm: UInt32 = 1
    public var currentTCB = TCBVersion(rawValue: 0)
    public var platformInfo = PlatformInfo(rawValue: 0)
    public var signerInfo = SignerInfo(rawValue: 0)
    public var reportData = [UInt8](repeating: 0, count: 64)
    public var measurement = [UInt8](repeating: 0, count: 48)
    public var hostData = [UInt8](repeating: 0, count: 32)
    public var idKeyDigest = [UInt8](repeating: 0, count: 48)
    public var authorKeyDigest = [UInt8](repeating: 0, count: 48)
    public var reportID = [UInt8](repeating: 0, count: 32)
    public var reportIDMA = [UInt8](repeating: 0, count: 32)
    public var reportedTCB = TCBVersion(rawValue: 0)
    /// `nil` in version 2 reports, where the bytes are reserved.
    public var cpuid: CPUID?
    public var chipID = [UInt8](repeating: 0, count: 64)
    public var committedTCB = TCBVersion(rawValue: 0)
    public var currentVersion = FirmwareVersion()
    public var committedVersion = FirmwareVersion()
    public var launchTCB = TCBVersion(rawValue: 0)
    /// Meaningful in version 5 reports; earlier versions leave the bytes reserved.
    public var launchMitigationVector: UInt64 = 0
    /// Meaningful in version 5 reports; earlier versions leave the bytes reserved.
    public var currentMitigationVector: UInt64 = 0
    public var signature = Signature()

    /// Creates a report with every field zero except version 2, ABI-valid policy bit 17 and ECDSA P-384.
    public init() {}

    /// Parses a binary report.
    ///
    /// - Throws: ``SNPError`` `.malformedReport` naming the offset when the size is not 1184 bytes, the version is
    ///   outside 2…5, a reserved range is not zero, or the signer info has reserved bits or a reserved key.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.size else {
            throw SNPError(.malformedReport, "report is \(bytes.count) bytes, expected \(Self.size)")
        }
        let r = ByteReader(bytes: bytes)
        version = r.u32(0x000)
        guard Self.supportedVersions.contains(version) else {
            throw SNPError(.malformedReport, "report version \(version) is not one of 2, 3, 4, 5")
        }
        guestSVN = r.u32(0x004)
        policy = GuestPolicy(rawValue: r.u64(0x008))
        familyID = r.slice(0x010, 16)
        imageID = r.slice(0x020, 16)
        vmpl = r.u32(0x030)
        signatureAlgorithm = r.u32(0x034)
        currentTCB = TCBVersion(rawValue: r.u64(0x038))
        platformInfo = PlatformInfo(rawValue: r.u64(0x040))
        signerInfo = SignerInfo(rawValue: r.u32(0x048))
        guard signerInfo.reservedBits == 0 else {
            throw SNPError(.malformedReport, "signer info 0x\(String(signerInfo.rawValue, radix: 16)) at 0x048 has reserved bits set")
        }
        if case .reserved(let key) = signerInfo.signingKey {
            throw SNPError(.malformedReport, "signer info at 0x048 names reserved signing key \(key)")
        }
        try Self.mustBeZero(r, 0x04C..<0x050)
        reportData = r.slice(0x050, 64)
        measurement = r.slice(0x090, 48)
        hostData = r.slice(0x0C0, 32)
        idKeyDigest = r.slice(0x0E0, 48)
        authorKeyDigest = r.slice(0x110, 48)
        reportID = r.slice(0x140, 32)
        reportIDMA = r.slice(0x160, 32)
        reportedTCB = TCBVersion(rawValue: r.u64(0x180))
        if version >= 3 {
            cpuid = CPUID(family: r.u8(0x188), model: r.u8(0x189), stepping: r.u8(0x18A))
            try Self.mustBeZero(r, 0x18B..<0x1A0)
        } else {
            try Self.mustBeZero(r, 0x188..<0x1A0)
        }
        chipID = r.slice(0x1A0, 64)
        committedTCB = TCBVersion(rawValue: r.u64(0x1E0))
        currentVersion = FirmwareVersion(major: r.u8(0x1EA), minor: r.u8(0x1E9), build: r.u8(0x1E8))
        try Self.mustBeZero(r, 0x1EB..<0x1EC)
        committedVersion = FirmwareVersion(major: r.u8(0x1EE), minor: r.u8(0x1ED), build: r.u8(0x1EC))
        try Self.mustBeZero(r, 0x1EF..<0x1F0)
        launchTCB = TCBVersion(rawValue: r.u64(0x1F0))
        launchMitigationVector = r.u64(0x1F8)
        currentMitigationVector = r.u64(0x200)
        try Self.mustBeZero(r, 0x208..<0x2A0)
        signature = Signature(r: r.slice(0x2A0, 72), s: r.slice(0x2E8, 72))
        if signatureAlgorithm == 1 {
            // P-384 r and s fill 48 of their 72 bytes; the rest, and the tail of the field, are zero.
            try Self.mustBeZero(r, 0x2D0..<0x2E8)
            try Self.mustBeZero(r, 0x318..<Self.size)
        }
    }

    /// The report in its binary layout.
    public func encoded() -> [UInt8] {
        var w = ByteWriter(size: Self.size)
        w.put(version, at: 0x000)
        w.put(guestSVN, at: 0x004)
        w.put(policy.rawValue, at: 0x008)
        w.put(Self.fit(familyID, 16), at: 0x010)
        w.put(Self.fit(imageID, 16), at: 0x020)
        w.put(vmpl, at: 0x030)
        w.put(signatureAlgorithm, at: 0x034)
        w.put(currentTCB.rawValue, at: 0x038)
        w.put(platformInfo.rawValue, at: 0x040)
        w.put(signerInfo.rawValue, at: 0x048)
        w.put(Self.fit(reportData, 64), at: 0x050)
        w.put(Self.fit(measurement, 48), at: 0x090)
        w.put(Self.fit(hostData, 32), at: 0x0C0)
        w.put(Self.fit(idKeyDigest, 48), at: 0x0E0)
        w.put(Self.fit(authorKeyDigest, 48), at: 0x110)
        w.put(Self.fit(reportID, 32), at: 0x140)
        w.put(Self.fit(reportIDMA, 32), at: 0x160)
        w.put(reportedTCB.rawValue, at: 0x180)
        if let cpuid {
            w.put(cpuid.family, at: 0x188)
            w.put(cpuid.model, at: 0x189)
            w.put(cpuid.stepping, at: 0x18A)
        }
        w.put(Self.fit(chipID, 64), at: 0x1A0)
        w.put(committedTCB.rawValue, at: 0x1E0)
        w.put([currentVersion.build, currentVersion.minor, currentVersion.major], at: 0x1E8)
        w.put([committedVersion.build, committedVersion.minor, committedVersion.major], at: 0x1EC)
        w.put(launchTCB.rawValue, at: 0x1F0)
        w.put(launchMitigationVector, at: 0x1F8)
        w.put(currentMitigationVector, at: 0x200)
        w.put(Self.fit(signature.r, 72), at: 0x2A0)
        w.put(Self.fit(signature.s, 72), at: 0x2E8)
        return w.bytes
    }

    /// The product named by the CPUID fields, when the report has them and they name a known product.
    public var productFromCPUID: SNPProduct? {
        cpuid.flatMap { SNPProduct(family: $0.family, model: $0.model) }
    }

    private static func mustBeZero(_ r: ByteReader, _ range: Range<Int>) throws {
        if let offset = r.firstNonZero(in: range) {
            let shown = Hex.encode(r.bytes[range].prefix(16))
            throw SNPError(
                .malformedReport,
                "reserved bytes [0x\(String(range.lowerBound, radix: 16))..0x\(String(range.upperBound, radix: 16))) are not zero "
                    + "(first at 0x\(String(offset, radix: 16)): \(shown)\(range.count > 16 ? "…" : ""))"
            )
        }
    }

    private static func fit(_ bytes: [UInt8], _ size: Int) -> [UInt8] {
        bytes.count >= size ? Array(bytes.prefix(size)) : bytes + [UInt8](repeating: 0, count: size - bytes.count)
    }
}
