import HermeticCore

/// Why a launch measurement could not be computed.
///
/// Every case is a problem with the inputs (the firmware image, a kernel file, an option), so the class is always
/// ``FailureKind/malformed``. It prints as one line starting with `measure:`. Equality compares the ``code`` only.
public struct MeasureError: ClassifiedError, Equatable {
    /// What is wrong, as a stable code.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The firmware image is too small, not page-aligned, or larger than the space below 4 GiB.
        case firmwareSize = "firmware_size"
        /// The OVMF GUID table at the end of the image is absent or malformed.
        case guidTable = "guid_table"
        /// The firmware has no SEV metadata (OVMF's `ASEV` block), or it is malformed.
        case sevMetadata = "sev_metadata"
        /// The firmware has no TDVF metadata (`TDVF` descriptor), or it is malformed.
        case tdvfMetadata = "tdvf_metadata"
        /// A kernel, initrd or command line was given but the firmware has no place to measure it.
        case noKernelHashes = "no_kernel_hashes"
        /// The firmware lacks the SEV-ES reset block the application processors start from.
        case resetBlock = "reset_block"
        /// An option is out of range (vCPU count, unknown vCPU type).
        case option
        /// A file could not be read.
        case unreadable
        /// The kernel is not a bzImage QEMU can boot directly, or not a PE image OVMF can measure.
        case kernelImage = "kernel_image"
        /// The initrd does not fit below the highest address QEMU may load it at.
        case initrdSize = "initrd_size"
    }

    /// What is wrong.
    public let code: Code
    /// The message, without the `measure:` prefix.
    public let message: String

    /// An error with its code and a message naming the values involved.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Always ``FailureKind/malformed``: measurements fail only on their inputs.
    public var kind: FailureKind { .malformed }

    /// Errors are equal when their codes are: the message is for people.
    public static func == (lhs: MeasureError, rhs: MeasureError) -> Bool { lhs.code == rhs.code }

    /// `measure: <message>`.
    public var description: String { "measure: \(message)" }
}
