/// The kinds of trusted execution environment, named as Trustee's `kbs_types::Tee` serialises them.
public enum TEE: String, Sendable, Hashable, CaseIterable, Codable {
    case snp
    case tdx
    case sgx
    case tpm
    case azSNPvTPM = "az-snp-vtpm"
    case azTDXvTPM = "az-tdx-vtpm"
    case cca
    case nvidia
    case sample
    case sampleDevice = "sampledevice"

    /// Parses a TEE name, accepting the spellings older guests still send (`azsnpvtpm`, `aztdxvtpm`).
    public init?(name: String) {
        switch name.lowercased() {
        case "azsnpvtpm": self = .azSNPvTPM
        case "aztdxvtpm": self = .azTDXvTPM
        default:
            guard let tee = TEE(rawValue: name.lowercased()) else { return nil }
            self = tee
        }
    }
}
