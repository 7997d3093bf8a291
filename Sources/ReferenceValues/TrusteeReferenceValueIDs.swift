/// The reference value ids Trustee's default appraisal policies read with `query_reference_value(id)`, and what
/// each must hold (confidential-containers/trustee @78962cd, `attestation-service/src/ear_token/
/// ear_default_policy_cpu.rego`). Most are compared with `in`, so the stored value is a list of accepted values.
public enum TrusteeReferenceValueIDs {
    /// One id: the claim it is compared with and how.
    public struct Entry: Sendable, Hashable {
        /// The id.
        public let id: String
        /// The TEE whose rules read it.
        public let tee: String
        /// The claim (input path) it is compared with.
        public let claim: String
        /// `in` (the value is a list) or a comparison operator (the value is a scalar).
        public let comparison: String
        /// The trust claim whose rule reads it.
        public let trustClaim: String
    }

    /// Every id of the default CPU policy.
    public static let defaultCPU: [Entry] = [
        Entry(id: "launch_digest", tee: "sample", claim: "input.sample.launch_digest", comparison: "in", trustClaim: "executables"),
        Entry(id: "svn", tee: "sample", claim: "input.sample.svn", comparison: "in", trustClaim: "hardware"),
        Entry(id: "major_version", tee: "sample", claim: "input.sample.platform_version.major", comparison: "==", trustClaim: "hardware"),
        Entry(id: "minimum_minor_version", tee: "sample", claim: "input.sample.platform_version.minor", comparison: ">=", trustClaim: "hardware"),
        Entry(id: "snp_launch_measurement", tee: "snp", claim: "input.snp.measurement", comparison: "in", trustClaim: "executables"),
        Entry(id: "snp_bootloader", tee: "snp", claim: "input.snp.reported_tcb_bootloader", comparison: "in", trustClaim: "hardware"),
        Entry(id: "snp_microcode", tee: "snp", claim: "input.snp.reported_tcb_microcode", comparison: "in", trustClaim: "hardware"),
        Entry(id: "snp_snp_svn", tee: "snp", claim: "input.snp.reported_tcb_snp", comparison: "in", trustClaim: "hardware"),
        Entry(id: "snp_tee_svn", tee: "snp", claim: "input.snp.reported_tcb_tee", comparison: "in", trustClaim: "hardware"),
        Entry(id: "snp_smt_enabled", tee: "snp", claim: "input.snp.platform_smt_enabled", comparison: "==", trustClaim: "configuration"),
        Entry(id: "snp_tsme_enabled", tee: "snp", claim: "input.snp.platform_tsme_enabled", comparison: "==", trustClaim: "configuration"),
        Entry(id: "snp_guest_abi_major", tee: "snp", claim: "input.snp.policy_abi_major", comparison: "==", trustClaim: "configuration"),
        Entry(id: "snp_guest_abi_minor", tee: "snp", claim: "input.snp.policy_abi_minor", comparison: "==", trustClaim: "configuration"),
        Entry(id: "snp_single_socket", tee: "snp", claim: "input.snp.policy_single_socket", comparison: "==", trustClaim: "configuration"),
        Entry(id: "snp_smt_allowed", tee: "snp", claim: "input.snp.policy_smt_allowed", comparison: "==", trustClaim: "configuration"),
        Entry(id: "rtmr_1", tee: "tdx", claim: "input.tdx.quote.body.rtmr_1", comparison: "in", trustClaim: "executables"),
        Entry(id: "rtmr_2", tee: "tdx", claim: "input.tdx.quote.body.rtmr_2", comparison: "in", trustClaim: "executables"),
        Entry(id: "mr_td", tee: "tdx", claim: "input.tdx.quote.body.mr_td", comparison: "in", trustClaim: "hardware"),
        Entry(id: "xfam", tee: "tdx", claim: "input.tdx.quote.body.xfam", comparison: "in", trustClaim: "configuration"),
        Entry(id: "tdvfkernel", tee: "tdx", claim: "the EV_EFI_BOOT_SERVICES_APPLICATION kernel digest in the CCEL", comparison: "==", trustClaim: "executables"),
        Entry(id: "tdvfkernelparams", tee: "tdx", claim: "the kernel command-line event digest in the CCEL", comparison: "==", trustClaim: "executables"),
        Entry(id: "measurement", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].measurement", comparison: "in", trustClaim: "executables"),
        Entry(id: "snp_pcr11", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].tpm.pcr11", comparison: "in", trustClaim: "executables"),
        Entry(id: "tcb_bootloader", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].reported_tcb_bootloader", comparison: "in", trustClaim: "hardware"),
        Entry(id: "tcb_microcode", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].reported_tcb_microcode", comparison: "in", trustClaim: "hardware"),
        Entry(id: "tcb_snp", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].reported_tcb_snp", comparison: "in", trustClaim: "hardware"),
        Entry(id: "tcb_tee", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].reported_tcb_tee", comparison: "in", trustClaim: "hardware"),
        Entry(id: "smt_enabled", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].platform_smt_enabled", comparison: "in", trustClaim: "configuration"),
        Entry(id: "tsme_enabled", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].platform_tsme_enabled", comparison: "in", trustClaim: "configuration"),
        Entry(id: "abi_major", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].policy_abi_major", comparison: "in", trustClaim: "configuration"),
        Entry(id: "abi_minor", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].policy_abi_minor", comparison: "in", trustClaim: "configuration"),
        Entry(id: "single_socket", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].policy_single_socket", comparison: "in", trustClaim: "configuration"),
        Entry(id: "smt_allowed", tee: "az-snp-vtpm", claim: "input[\"az-snp-vtpm\"].policy_smt_allowed", comparison: "in", trustClaim: "configuration"),
        Entry(id: "tdx_pcr11", tee: "az-tdx-vtpm", claim: "input[\"az-tdx-vtpm\"].tpm.pcr11", comparison: "in", trustClaim: "executables"),
        Entry(id: "mr_td", tee: "az-tdx-vtpm", claim: "input[\"az-tdx-vtpm\"].quote.body.mr_td", comparison: "in", trustClaim: "hardware"),
        Entry(id: "xfam", tee: "az-tdx-vtpm", claim: "input[\"az-tdx-vtpm\"].quote.body.xfam", comparison: "in", trustClaim: "configuration"),
        Entry(id: "tpm_pcr11", tee: "tpm", claim: "input.tpm.pcr11", comparison: "in", trustClaim: "executables"),
        Entry(id: "trusted_aks", tee: "tpm", claim: "input.tpm.ak_public", comparison: "in", trustClaim: "hardware"),
    ]
}
