import Crypto

/// Predicted PCR 4 and PCR 9 of a QEMU/OVMF guest booted directly from a kernel (`-kernel`, `-initrd`, `-append`)
/// with a vTPM, computed from the boot artifacts alone (no golden run). These are predictions: the boot test checks
/// them against a real boot's event log and PCRs.
///
/// - **PCR 4**: the kernel as QEMU patches it (``QEMUKernelImage``), measured by OVMF as an
///   `EV_EFI_BOOT_SERVICES_APPLICATION` (``PEImageHash``); then the `EV_EFI_ACTION` "Calling EFI Application from Boot
///   Option"; then the `EV_SEPARATOR` (four zero bytes). It depends on the kernel, the initrd's size and the guest RAM.
/// - **PCR 9**: the Linux EFI stub's two `EV_EVENT_TAG` events: the load options OVMF passes (the command line with
///   " initrd=initrd" appended when there is an initrd, as UTF-16LE with its NUL), then the initrd file.
public struct VTPMBootMeasurement: Sendable {
    /// A PCR bank the predictions are computed for.
    public enum Bank: String, Sendable, Hashable, CaseIterable {
        /// SHA-256 (`TPM_ALG_SHA256`).
        case sha256
        /// SHA-384 (`TPM_ALG_SHA384`).
        case sha384

        /// The TPM algorithm identifier.
        public var algorithm: UInt16 { self == .sha256 ? 0x000B : 0x000C }

        /// `H(bytes)`.
        public func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
            switch self {
            case .sha256: return Array(SHA256.hash(data: Array(bytes)))
            case .sha384: return Array(SHA384.hash(data: Array(bytes)))
            }
        }

        /// `H(register ‖ digest)`.
        public func extend(_ register: [UInt8], _ digest: [UInt8]) -> [UInt8] { hash(register + digest) }

        /// The digest size in bytes.
        public var size: Int { self == .sha256 ? 32 : 48 }
    }

    /// The `EV_EFI_ACTION` OVMF measures into PCR 4 before it starts the kernel.
    public static let bootOptionAction = "Calling EFI Application from Boot Option"
    /// What OVMF appends to the command line when QEMU gives it an initrd.
    public static let initrdOption = " initrd=initrd"

    /// The kernel as the firmware receives it.
    public let kernelImage: QEMUKernelImage
    /// The kernel image's PE layout.
    public let peLayout: PEImageHash
    /// The load options the EFI stub measures: the command line, plus ``initrdOption`` when there is an initrd.
    public let loadOptions: String
    /// The initrd, or nil when the guest boots without one.
    public let initrd: [UInt8]?

    /// Prepares the predictions for booting `kernel` with `initrd` and the command line `commandLine` (as given to
    /// `-append`) in a guest with `memoryMiB` of RAM.
    ///
    /// - Throws: ``MeasureError`` when the kernel is not a bzImage with a PE header, or QEMU would refuse the initrd.
    public init(kernel: [UInt8], initrd: [UInt8]?, commandLine: String, memoryMiB: Int,
                machine: QEMUKernelImage.Machine = .q35) throws(MeasureError) {
        kernelImage = try QEMUKernelImage(kernel: kernel, initrdSize: initrd?.count, memoryMiB: memoryMiB, commandLine: commandLine, machine: machine)
        peLayout = try PEImageHash(image: kernelImage.bytes)
        loadOptions = initrd == nil ? commandLine : commandLine + Self.initrdOption
        self.initrd = initrd
    }

    /// The kernel's `EV_EFI_BOOT_SERVICES_APPLICATION` digest.
    public func kernelDigest(_ bank: Bank) -> [UInt8] {
        switch bank {
        case .sha256: return peLayout.digest(of: kernelImage.bytes, using: SHA256.self)
        case .sha384: return peLayout.digest(of: kernelImage.bytes, using: SHA384.self)
        }
    }

    /// The PCR 4 event digests in log order: kernel, boot-option action, separator.
    public func pcr4Events(_ bank: Bank) -> [[UInt8]] {
        [kernelDigest(bank), bank.hash(Array(Self.bootOptionAction.utf8)), bank.hash([0, 0, 0, 0])]
    }

    /// The UTF-16LE load options with their NUL terminator, as the EFI stub measures them.
    public var loadOptionsBytes: [UInt8] {
        var bytes: [UInt8] = []
        for unit in loadOptions.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return bytes + [0, 0]
    }

    /// The PCR 9 event digests in log order: load options, then the initrd (when there is one).
    public func pcr9Events(_ bank: Bank) -> [[UInt8]] {
        var events = [bank.hash(loadOptionsBytes)]
        if let initrd { events.append(bank.hash(initrd)) }
        return events
    }

    /// The predicted PCR 4.
    public func pcr4(_ bank: Bank) -> [UInt8] { Self.replay(pcr4Events(bank), bank) }

    /// The predicted PCR 9.
    public func pcr9(_ bank: Bank) -> [UInt8] { Self.replay(pcr9Events(bank), bank) }

    /// A PCR extended from zero with `digests` in order.
    public static func replay(_ digests: [[UInt8]], _ bank: Bank) -> [UInt8] {
        digests.reduce([UInt8](repeating: 0, count: bank.size)) { bank.extend($0, $1) }
    }
}
