#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import Synchronization

/// Serves a ``Gate`` on a unix stream socket: one thread per connection (at most ``maximumConnections``), frames
/// read one at a time, each answered with one reply frame, doorbells written to every open connection.
///
/// POSIX sockets rather than swift-nio: the gate runs in the guest, serialises orders anyway, and speaks one framed
/// protocol over a unix socket or vsock (the same calls with `AF_VSOCK`); blocking I/O keeps it small and auditable.
///
/// A frame with a bad header (magic, version, kind, or a body over the limit) is answered with `malformed-frame`
/// and the connection is closed, since the stream can no longer be trusted to be in step; a stream that ends inside
/// a frame is closed. Neither affects other connections or the gate's state.
public final class GateServer: Sendable {
    /// The most connections served at once; more are closed at accept.
    public let maximumConnections: Int
    private let gate: Gate
    private let path: String
    private let limits: FrameLimits
    private let listener: Mutex<Int32>
    private let connections: Mutex<Set<Int32>>
    private let writeLock = Mutex(())

    /// A server for a gate at a path (not yet listening).
    public init(gate: Gate, endpoint: GateEndpoint, limits: FrameLimits = FrameLimits(), maximumConnections: Int = 16) {
        self.gate = gate
        path = endpoint.path
        self.limits = limits
        self.maximumConnections = maximumConnections
        listener = Mutex(-1)
        connections = Mutex([])
    }

    /// Binds and listens (replacing a stale socket file), then accepts on a background thread.
    /// - Throws: ``SocketError``.
    public func start() throws {
        guard var address = SocketIO.address(path) else { throw SocketError(message: "socket path too long or empty: \(path)") }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        unlink(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let error = SocketError("bind \(path)")
            close(fd)
            throw error
        }
        chmod(path, 0o600)
        guard listen(fd, 16) == 0 else {
            let error = SocketError("listen")
            close(fd)
            throw error
        }
        listener.withLock { $0 = fd }
        gate.onDoorbell { [weak self] code in self?.ring(code) }
        guard DetachedThread.start({ [self] in acceptLoop(fd) }) else {
            stop()
            throw SocketError(message: "cannot start the accept thread")
        }
    }

    /// Stops accepting, closes every connection and removes the socket file.
    public func stop() {
        let fd = listener.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
            unlink(path)
        }
        for connection in connections.withLock({ $0 }) { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let connection = accept(fd, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let admitted = connections.withLock { open in
                guard open.count < maximumConnections else { return false }
                open.insert(connection)
                return true
            }
            guard admitted else {
                close(connection)
                continue
            }
            guard DetachedThread.start({ [self] in serve(connection) }) else {
                _ = connections.withLock { $0.remove(connection) }
                close(connection)
                continue
            }
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            _ = connections.withLock { $0.remove(fd) }
            close(fd)
        }
        while true {
            let headerBytes = SocketIO.readExactly(fd, Frame.headerSize)
            guard headerBytes.count == Frame.headerSize else { return }
            let header: FrameCodec.Header
            do {
                header = try FrameCodec.decodeHeader(headerBytes[...], limits: limits)
            } catch {
                _ = reply(fd, .reply(.malformedFrame, uid: Self.uid(in: headerBytes)))
                return
            }
            let body = header.bodyLength > 0 ? SocketIO.readExactly(fd, header.bodyLength) : []
            guard body.count == header.bodyLength else { return }
            let frame = Frame(kind: header.kind, code: header.code, uid: header.uid, body: body)
            let answer = gate.handle(frame)
            guard reply(fd, answer), answer.code != GateStatus.malformedFrame.rawValue else { return }
        }
    }

    /// The UID field of a header that failed to decode, so the reply names the UID the host sent.
    private static func uid(in header: [UInt8]) -> UInt64 {
        guard header.count >= 16 else { return 0 }
        return header[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private func reply(_ fd: Int32, _ frame: Frame) -> Bool {
        let bytes = FrameCodec.encode(frame)
        return writeLock.withLock { _ in SocketIO.writeAll(fd, bytes) }
    }

    private func ring(_ code: UInt16) {
        let bytes = FrameCodec.encode(Frame(kind: .doorbell, code: code, uid: 0))
        for fd in connections.withLock({ $0 }) { _ = writeLock.withLock { _ in SocketIO.writeAll(fd, bytes) } }
    }
}
