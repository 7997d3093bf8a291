/// The AMD EPYC product lines that run SEV-SNP, each with its own root of trust (ARK) and TCB layout.
public enum SNPProduct: String, Sendable, Hashable, CaseIterable, Codable {
    /// 3rd generation EPYC (Zen 3, family 19h models 00h–0Fh).
    case milan = "Milan"
    /// 4th generation EPYC (Zen 4, family 19h models 10h–1Fh and A0h–AFh, Siena included).
    case genoa = "Genoa"
    /// 5th generation EPYC (Zen 5, family 1Ah models 00h–11h).
    case turin = "Turin"

    /// The product of a CPUID family and model, as the KDS specification's "Determining the Product Name" maps
    /// them; `nil` for anything else.
    public init?(family: UInt8, model: UInt8) {
        switch (family, model) {
        case (0x19, 0x00...0x0F): self = .milan
        case (0x19, 0x10...0x1F), (0x19, 0xA0...0xAF): self = .genoa
        case (0x1A, 0x00...0x11): self = .turin
        default: return nil
        }
    }

    /// The product of a certificate's productName extension (`Milan-B0`, `Genoa`, `Turin`); `nil` for anything else.
    public init?(productName: String) {
        let line = productName.split(separator: "-", maxSplits: 1).first.map(String.init) ?? ""
        guard let product = SNPProduct.allCases.first(where: { $0.rawValue.lowercased() == line.lowercased() }) else {
            return nil
        }
        self = product
    }

    /// How this product lays out a TCB_VERSION.
    public var tcbLayout: TCBVersion.Layout { self == .turin ? .turin : .milanGenoa }

    /// The number of leading CHIP_ID bytes that identify the chip (Turin: 8; earlier: all 64).
    public var hardwareIDLength: Int { self == .turin ? 8 : 64 }
}
