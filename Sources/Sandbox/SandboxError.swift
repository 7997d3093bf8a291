import HermeticCore

/// Why the sandbox could not build its guest image, launch its VM, or accept what the guest reported.
///
/// It prints as one line starting with `sandbox:`. Equality compares the ``code`` only.
public struct SandboxError: ClassifiedError, Equatable {
    /// What went wrong, as a stable code.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A host tool (qemu-system-x86_64, swtpm, swtpm_setup, apt-get, dpkg-deb, ldd, busybox, runc) or the OVMF
        /// firmware is missing.
        case toolMissing = "tool_missing"
        /// The kernel package could not be resolved, downloaded or unpacked.
        case kernelPackage = "kernel_package"
        /// A kernel module is missing, compressed, or its `.modinfo` is unreadable.
        case module
        /// A file for the guest image could not be read or the image could not be written.
        case image
        /// swtpm, swtpm_setup or QEMU failed to start or exited early.
        case launch
        /// The guest did not answer within the time allowed.
        case timeout
        /// The guest sent something that does not follow the control-channel protocol.
        case guestProtocol = "guest_protocol"
        /// The guest's measurements do not replay, or differ from the predictions.
        case measurement
    }

    /// What went wrong.
    public let code: Code
    /// The message, without the `sandbox:` prefix.
    public let message: String

    /// An error with its code and a message naming what is wrong.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Missing tools and packages are like missing collateral; a measurement that does not match is a rejection;
    /// everything else is a failure of the inputs or the launch.
    public var kind: FailureKind {
        switch code {
        case .toolMissing, .kernelPackage: return .collateralUnavailable
        case .measurement: return .rejected
        case .module, .image, .launch, .timeout, .guestProtocol: return .malformed
        }
    }

    /// Errors are equal when their codes are: the message is for people.
    public static func == (lhs: SandboxError, rhs: SandboxError) -> Bool { lhs.code == rhs.code }

    /// `sandbox: <message>`.
    public var description: String { "sandbox: \(message)" }
}
