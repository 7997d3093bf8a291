import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The host end of the guest's control port: a client of the unix socket QEMU serves for the virtio-serial port
/// (`-chardev socket,server=on,wait=off`), read and written as lines.
public final class ControlChannel: @unchecked Sendable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let lock = NSLock()

    /// Connects to `path`, retrying until `deadline` while QEMU has not created the socket yet.
    ///
    /// - Throws: ``SandboxError/Code/timeout`` when no connection succeeds in time; ``SandboxError/Code/launch``
    ///   when the path cannot be a socket address.
    public init(path: String, deadline: Date) throws(SandboxError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SandboxError(.launch, "the control socket path \(path) is too long for a unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        while true {
            let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard socket >= 0 else { throw SandboxError(.launch, "socket() failed: errno \(errno)") }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if connected == 0 {
                descriptor = socket
                return
            }
            close(socket)
            guard Date() < deadline else {
                throw SandboxError(.timeout, "could not connect to the guest's control socket \(path) in time")
            }
            usleep(20_000)
        }
    }

    deinit { close(descriptor) }

    /// The next line (without its newline), waiting until `deadline`; nil when the guest side closed.
    ///
    /// - Throws: ``SandboxError/Code/timeout`` when no complete line arrives in time; ``SandboxError/Code/guestProtocol``
    ///   for a line longer than 1 MiB.
    public func readLine(deadline: Date) throws(SandboxError) -> String? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                let text = String(decoding: line, as: UTF8.self)
                return text.hasSuffix("\r") ? String(text.dropLast()) : text
            }
            guard buffer.count <= 1 << 20 else { throw SandboxError(.guestProtocol, "the guest sent a line longer than 1 MiB") }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw SandboxError(.timeout, "the guest sent no complete line in time") }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 1000).rounded(.up)))
            if ready < 0, errno != EINTR { throw SandboxError(.guestProtocol, "poll on the control socket failed: errno \(errno)") }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw SandboxError(.guestProtocol, "reading the control socket failed: errno \(errno)")
            }
            if count == 0 { return nil }
            buffer += chunk[0..<count]
        }
    }

    /// Hands the socket over to a binary protocol that follows the lines (the gate's frames after `GATE`): reads on
    /// it time out after `timeout` seconds instead of blocking forever on a hung guest. The channel keeps the
    /// descriptor and closes it; the caller must not.
    ///
    /// - Throws: ``SandboxError/Code/guestProtocol`` when bytes past the last line are already buffered (the guest
    ///   spoke before it was asked).
    public func switchToStream(timeout: Double) throws(SandboxError) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        guard buffer.isEmpty else { throw SandboxError(.guestProtocol, "the guest sent \(buffer.count) bytes after its last line, before any order") }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    /// Sends `line` and a newline.
    ///
    /// - Throws: ``SandboxError/Code/guestProtocol`` when the socket is closed.
    public func send(_ line: String) throws(SandboxError) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.send(descriptor, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SandboxError(.guestProtocol, "writing the control socket failed: errno \(errno)")
            }
            offset += written
        }
    }
}
