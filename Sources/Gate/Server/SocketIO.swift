#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking byte-stream I/O on a file descriptor: whole writes and exact reads.
enum SocketIO {
    /// Writes every byte; `false` if the peer is gone.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Reads exactly `count` bytes; returns fewer only at end of stream or on error.
    static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                recv(fd, buffer.baseAddress.map { $0 + offset }, count - offset, 0)
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            offset += got
        }
        return offset == count ? bytes : Array(bytes[0..<offset])
    }

    /// A `sockaddr_un` for a path, or `nil` if the path does not fit.
    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return address
    }
}

/// A socket error, naming the call that failed.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    /// The failed call and errno text.
    public let message: String
    init(_ call: String) { message = "\(call): \(String(cString: strerror(errno)))" }
    init(message: String) { self.message = message }
    public var description: String { message }
}

/// Where a gate listens or a host connects: `unix:PATH`.
public struct GateEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The socket path.
    public let path: String

    /// Parses `unix:PATH`.
    public init?(_ text: String) {
        guard text.hasPrefix("unix:"), text.count > 5 else { return nil }
        path = String(text.dropFirst(5))
    }

    public var description: String { "unix:\(path)" }
}
