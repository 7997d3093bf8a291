/// The TEE behind configfs-tsm, as its `provider` attribute names it.
public enum TSMProvider: String, Sendable, Hashable, CaseIterable {
    /// AMD SEV-SNP (`sev_guest`).
    case sevGuest = "sev_guest"
    /// Intel TDX (`tdx_guest`).
    case tdxGuest = "tdx_guest"
    /// Arm CCA (`arm_cca_guest`).
    case armCCAGuest = "arm_cca_guest"
}
