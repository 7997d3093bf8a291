#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking reads and writes on a file descriptor, retried on EINTR and short transfers.
enum PosixIO {
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ what: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw TPMError(.command, "\(what): write failed (errno \(errno))")
            }
            offset += written
        }
    }

    static func readExactly(_ fd: Int32, _ count: Int, _ what: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = buffer[offset...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw TPMError(.command, "\(what): read failed (errno \(errno))")
            }
            if got == 0 { throw TPMError(.command, "\(what): connection closed after \(offset) of \(count) bytes") }
            offset += got
        }
        return buffer
    }

    /// A TPM response: the 10-byte header, then the rest of the size it declares (at most 64 KiB).
    static func readResponse(_ fd: Int32, _ what: String) throws -> [UInt8] {
        let header = try readExactly(fd, 10, what)
        let size = Int(header[2]) << 24 | Int(header[3]) << 16 | Int(header[4]) << 8 | Int(header[5])
        guard size >= 10, size <= 65536 else { throw TPMError(.command, "\(what): response declares \(size) bytes") }
        return header + (try readExactly(fd, size - 10, what))
    }

    /// Opens a TCP connection to an IPv4 address.
    static func connect(host: String, port: UInt16) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TPMError(.command, "socket failed (errno \(errno))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw TPMError(.command, "\(host) is not an IPv4 address")
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw TPMError(.command, "cannot connect to \(host):\(port) (errno \(errno))")
        }
        // A TPM that stops answering fails the read after a minute instead of hanging the caller.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }
}

#if canImport(Glibc)
private let systemConnect = Glibc.connect
#elseif canImport(Darwin)
private let systemConnect = Darwin.connect
#endif
