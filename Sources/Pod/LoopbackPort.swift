#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP port for the broker: the VM's guestfwd names the host port on QEMU's command line, before the
/// broker (which must trust the VM's vTPM CA) can be started.
public enum LoopbackPort {
    /// A port free on 127.0.0.1 when asked (bound to port 0, read back, released).
    ///
    /// - Throws: ``PodError`` (`unavailable`) when no socket can be bound.
    public static func free() throws(PodError) -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PodError(.unavailable, "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw PodError(.unavailable, "bind 127.0.0.1:0: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw PodError(.unavailable, "getsockname: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }
}
