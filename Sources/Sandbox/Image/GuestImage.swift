/// A built guest image: the kernel to pass to `-kernel` and the initramfs for `-initrd`.
public struct GuestImage: Sendable, Hashable {
    /// The kernel package the image was built for.
    public let kernel: KernelPackage
    /// The gzip-compressed newc initramfs.
    public let initrdPath: String
    /// The SHA-256 of the build inputs (hex), which names the cache entry.
    public let key: String
    /// Whether it came from the cache rather than being built now.
    public let cached: Bool
    /// The modules the image loads, in load order.
    public let modules: [String]

    /// The bzImage.
    public var kernelPath: String { kernel.kernelPath }

    /// The same initramfs booted with another build of the kernel: what a host that swaps the kernel boots (PCR 4
    /// then differs from the reference value computed for this image).
    public func replacingKernel(with other: KernelPackage) -> GuestImage {
        GuestImage(kernel: other, initrdPath: initrdPath, key: key, cached: cached, modules: modules)
    }
}
