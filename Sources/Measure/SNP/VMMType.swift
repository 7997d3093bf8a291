/// The hypervisor that launches the guest: they differ in the initial register state and in page order.
public enum VMMType: String, Sendable, Hashable, CaseIterable {
    /// QEMU/KVM.
    case qemu
    /// Amazon EC2: its own segment attributes, RDX, no x87/SSE defaults, and the CPUID page measured last.
    case ec2
    /// Google Compute Engine: its own PAT, RDX, no x87/SSE defaults, and SNP_SEC_MEM pages unmeasured.
    case gce
}
