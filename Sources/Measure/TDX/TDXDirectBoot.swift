/// Predicted RTMR 1 and RTMR 2 of a TD booted by TDVF (OVMF) directly from a kernel (`-kernel`, `-initrd`,
/// `-append`), from the same event digests as ``VTPMBootMeasurement`` in SHA-384. TDVF maps PCR 2–6 to RTMR 1 and
/// PCR 8–15 to RTMR 2, and measures no separator into RTMR 1 on this path; the events, in log order (as in
/// Trustee's `CCEL_data_ovmf` direct-boot log), are:
///
/// - RTMR 1: the kernel as QEMU patches it (`EV_EFI_BOOT_SERVICES_APPLICATION`), "Calling EFI Application from Boot
///   Option", "Exit Boot Services Invocation", "Exit Boot Services Returned with Success";
/// - RTMR 2: the EFI stub's load options and initrd (`EV_EVENT_TAG`), before anything the running guest extends.
///
/// These are predictions: no TDX hardware exists here to boot and compare, so only the structure is checked
/// (against that real log) and the kernel digest is the one a vTPM boot confirms.
public struct TDXDirectBoot: Sendable {
    /// The boot artifacts' measurements.
    public let boot: VTPMBootMeasurement

    /// The `EV_EFI_ACTION`s TDVF measures into RTMR 1 after the kernel, in order.
    public static let rtmr1Actions = [
        VTPMBootMeasurement.bootOptionAction, "Exit Boot Services Invocation", "Exit Boot Services Returned with Success",
    ]

    /// Predictions for `boot`.
    public init(_ boot: VTPMBootMeasurement) {
        self.boot = boot
    }

    /// The kernel's SHA-384 digest (Trustee's `tdvfkernel` reference value).
    public var kernelDigest: [UInt8] { boot.kernelDigest(.sha384) }

    /// The RTMR 1 event digests in log order.
    public var rtmr1Events: [[UInt8]] { Self.rtmr1Events(kernelDigest: kernelDigest) }

    /// The RTMR 1 event digests for a kernel digest.
    public static func rtmr1Events(kernelDigest: [UInt8]) -> [[UInt8]] {
        [kernelDigest] + rtmr1Actions.map { VTPMBootMeasurement.Bank.sha384.hash(Array($0.utf8)) }
    }

    /// The RTMR 2 event digests in log order.
    public var rtmr2Events: [[UInt8]] { boot.pcr9Events(.sha384) }

    /// Predicted RTMR 1.
    public var rtmr1: [UInt8] { VTPMBootMeasurement.replay(rtmr1Events, .sha384) }

    /// Predicted RTMR 2 at the kernel's start.
    public var rtmr2: [UInt8] { VTPMBootMeasurement.replay(rtmr2Events, .sha384) }
}
