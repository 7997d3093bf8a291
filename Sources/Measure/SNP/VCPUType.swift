/// A QEMU vCPU model the guest runs as, and the CPUID signature (family, model, stepping) its VMSA carries in RDX.
public struct VCPUType: Sendable, Hashable, CustomStringConvertible {
    /// The QEMU model name, e.g. `EPYC-Milan`.
    public let name: String
    /// The CPU family.
    public let family: Int
    /// The CPU model.
    public let model: Int
    /// The stepping.
    public let stepping: Int

    /// A model from its name and CPUID identifiers.
    public init(name: String, family: Int, model: Int, stepping: Int) {
        self.name = name
        self.family = family
        self.model = model
        self.stepping = stepping
    }

    /// The CPUID Fn0000_0001_EAX signature (AMD CPUID specification #25481): extended family and model above the
    /// base fields, the base family capped at 0xF.
    public var signature: UInt32 {
        let familyLow = family > 0xF ? 0xF : family
        let familyHigh = family > 0xF ? (family - 0xF) & 0xFF : 0
        return UInt32(familyHigh << 20 | ((model >> 4) & 0xF) << 16 | familyLow << 8 | (model & 0xF) << 4 | (stepping & 0xF))
    }

    public var description: String { name }

    /// The QEMU models from `builtin_x86_defs` that SEV-SNP guests use, with their versions.
    public static let all: [VCPUType] = {
        let naples = ["EPYC", "EPYC-v1", "EPYC-v2", "EPYC-IBPB", "EPYC-v3", "EPYC-v4"].map { VCPUType(name: $0, family: 23, model: 1, stepping: 2) }
        let rome = ["EPYC-Rome", "EPYC-Rome-v1", "EPYC-Rome-v2", "EPYC-Rome-v3"].map { VCPUType(name: $0, family: 23, model: 49, stepping: 0) }
        let milan = ["EPYC-Milan", "EPYC-Milan-v1", "EPYC-Milan-v2"].map { VCPUType(name: $0, family: 25, model: 1, stepping: 1) }
        let genoa = ["EPYC-Genoa", "EPYC-Genoa-v1"].map { VCPUType(name: $0, family: 25, model: 17, stepping: 0) }
        return naples + rome + milan + genoa + [VCPUType(name: "EPYC-Turin", family: 26, model: 0, stepping: 0)]
    }()

    /// The model named `name` (case-insensitive), or `nil`.
    public static func named(_ name: String) -> VCPUType? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }
}
