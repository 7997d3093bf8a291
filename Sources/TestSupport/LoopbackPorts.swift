import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports for the peers the tests start (PostgreSQL, docker-registry): the kernel's choice, so no server
/// already listening is mistaken for the one just started.
enum LoopbackPorts {
    /// A port that was free a moment ago (bound to port 0, then released), for a server the tests start.
    static func free() -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return Int.random(in: 20000...60000) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { return Int.random(in: 20000...60000) }
        return Int(UInt16(bigEndian: address.sin_port))
        #else
        return Int.random(in: 20000...60000)
        #endif
    }
}
