#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The host's side: one connection to a gate, sending orders and polls and reading replies.
public final class GateClient {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let limits: FrameLimits
    /// Doorbell codes received while waiting for replies, in order.
    public private(set) var doorbells: [UInt16] = []

    /// Connects to a gate.
    /// - Throws: ``SocketError``.
    public init(endpoint: GateEndpoint) throws {
        guard var address = SocketIO.address(endpoint.path) else {
            throw SocketError(message: "socket path too long or empty: \(endpoint.path)")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let error = SocketError("connect \(endpoint.path)")
            close(fd)
            throw error
        }
        self.fd = fd
        ownsDescriptor = true
        limits = FrameLimits()
    }

    /// Speaks to a gate over a stream that is already open (a VM's control channel after the agent announced the
    /// gate); the caller keeps the descriptor and closes it.
    public init(connectedDescriptor: Int32, limits: FrameLimits = FrameLimits()) {
        fd = connectedDescriptor
        ownsDescriptor = false
        self.limits = limits
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Sends an order and returns the reply's status.
    public func order(_ verb: Verb, noun: [UInt8], uid: UInt64) throws -> GateStatus {
        try orderReadingBody(verb, noun: noun, uid: uid).0
    }

    /// Sends an order and returns the reply's status and body: the output bytes of an executed `ReadStdout` or
    /// `ReadStderr`, empty for every other order.
    public func orderReadingBody(_ verb: Verb, noun: [UInt8], uid: UInt64) throws -> (GateStatus, [UInt8]) {
        try exchange(FrameCodec.encode(.order(verb, uid: uid, noun: noun)), uid: uid)
    }

    /// Polls the status of an order.
    public func poll(uid: UInt64) throws -> GateStatus {
        try exchange(FrameCodec.encode(.poll(uid: uid)), uid: uid).0
    }

    /// Sends raw bytes (for tests that play a misbehaving host) and returns the next reply, or `nil` if the gate
    /// closed the connection.
    public func sendRaw(_ bytes: [UInt8]) throws -> Frame? {
        guard SocketIO.writeAll(fd, bytes) else { throw SocketError(message: "the gate closed the connection") }
        return try nextReply()
    }

    private func exchange(_ bytes: [UInt8], uid: UInt64) throws -> (GateStatus, [UInt8]) {
        guard let reply = try sendRaw(bytes) else { throw SocketError(message: "the gate closed the connection") }
        guard reply.uid == uid, let status = GateStatus(rawValue: reply.code) else {
            throw SocketError(message: "reply for UID \(reply.uid), code \(reply.code): not an answer to UID \(uid)")
        }
        return (status, reply.body)
    }

    /// The next reply frame, skipping (and recording) doorbells; `nil` at end of stream.
    public func nextReply() throws -> Frame? {
        while true {
            let header = SocketIO.readExactly(fd, Frame.headerSize)
            guard header.count == Frame.headerSize else { return nil }
            let decoded = try FrameCodec.decodeHeader(header[...], limits: limits)
            let body = decoded.bodyLength > 0 ? SocketIO.readExactly(fd, decoded.bodyLength) : []
            guard body.count == decoded.bodyLength else { return nil }
            switch decoded.kind {
            case .doorbell: doorbells.append(decoded.code)
            case .reply: return Frame(kind: .reply, code: decoded.code, uid: decoded.uid, body: body)
            case .order, .poll: throw WireError.unexpectedKind(decoded.kind)
            }
        }
    }
}
