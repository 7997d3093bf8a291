/// The reference value ids of a vTPM guest's PCRs: `tpm_pcr00` … `tpm_pcr23` (SHA-256 bank), after Trustee's
/// `tpm_pcr11` in its default policy and the `pcrNN` claims of the TPM verifier. Each value is a list of accepted
/// hex digests.
public enum VTPMReferenceIDs {
    /// `tpm_pcrNN` for `index`.
    public static func pcr(_ index: UInt32) -> String { index < 10 ? "tpm_pcr0\(index)" : "tpm_pcr\(index)" }
}
