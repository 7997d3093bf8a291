#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP port for the broker: the VM's guestfwd names the host port on QEMU's command line, before the
/// broker (which must trust the VM's vTPM CA) can be started.
public enum LoopbackPort {
    /// Below Linux's default ephemeral range (32768–60999), so that a `bind(…:0)` elsewhere in this process or on
    /// the host is not handed the port between this check and the broker's bind.
    public static let range: ClosedRange<UInt16> = 20000...32767

    /// A port in ``range`` free on 127.0.0.1 when asked (bound, released).
    ///
    /// - Throws: ``PodError`` (`unavailable`) when 64 random ports are all taken.
    public static func free() throws(PodError) -> UInt16 {
        for _ in 0..<64 {
            let port = UInt16.random(in: range)
            if isFree(port) { return port }
        }
        throw PodError(.unavailable, "no free loopback port in \(range.lowerBound)–\(range.upperBound) after 64 tries")
    }

    /// Whether 127.0.0.1:`port` can be bound now.
    public static func isFree(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }
}
