#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one system call `/dev/sev-guest` needs: `ioctl(fd, request, argument)`. The kernel's device outside tests;
/// a fake that reads and writes the same memory the kernel would inside them.
public protocol SEVGuestIoctl: Sendable {
    /// Issues `request` with `argument` (a `struct snp_guest_request_ioctl`); returns 0 or `-errno`.
    func ioctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32
}

/// The character device `/dev/sev-guest`, opened per request.
public struct SEVGuestDeviceFile: SEVGuestIoctl {
    /// The device path.
    public let path: String

    /// Creates the value (nothing is opened yet).
    public init(path: String = "/dev/sev-guest") { self.path = path }

    public func ioctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32 {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return -errno }
        defer { close(fd) }
        return Glibc.ioctl(fd, request, argument) == 0 ? 0 : -errno
    }
}
