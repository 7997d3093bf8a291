#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Gate
import Synchronization

/// Serves a ``Gate`` over one byte stream, the control channel's character device (or, in tests, a socket pair):
/// frames read one at a time and each answered with one reply frame; doorbells written between replies.
///
/// Unlike a socket there is no second connection to fall back to: a frame with a bad header is answered with
/// `malformed-frame` and serving ends, because the stream is no longer in step (the host then tears the VM down).
public final class GateStreamServer: Sendable {
    private let gate: Gate
    private let input: Int32
    private let output: Int32
    private let limits: FrameLimits
    private let writeLock = Mutex(())

    /// A server on descriptors the caller owns (`input` and `output` may be the same).
    public init(gate: Gate, input: Int32, output: Int32, limits: FrameLimits = FrameLimits()) {
        self.gate = gate
        self.input = input
        self.output = output
        self.limits = limits
    }

    /// Why serving ended.
    public enum End: Sendable, Hashable {
        /// The stream ended between frames.
        case closed
        /// The stream ended inside a frame.
        case truncated
        /// A header did not decode.
        case malformed
        /// A reply could not be written.
        case writeFailed
    }

    /// Writes one line (the `READY` handshake) before frames.
    @discardableResult
    public func announce(_ line: String) -> Bool { send(Array((line + "\n").utf8)) }

    /// Serves until the stream ends or breaks.
    public func serve() -> End {
        gate.onDoorbell { [weak self] code in _ = self?.send(FrameCodec.encode(Frame(kind: .doorbell, code: code, uid: 0))) }
        defer { gate.onDoorbell { _ in } }
        while true {
            let headerBytes = readExactly(Frame.headerSize)
            if headerBytes.isEmpty { return .closed }
            guard headerBytes.count == Frame.headerSize else { return .truncated }
            let header: FrameCodec.Header
            do {
                header = try FrameCodec.decodeHeader(headerBytes[...], limits: limits)
            } catch {
                let uid = headerBytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                _ = send(FrameCodec.encode(.reply(.malformedFrame, uid: uid)))
                return .malformed
            }
            let body = header.bodyLength > 0 ? readExactly(header.bodyLength) : []
            guard body.count == header.bodyLength else { return .truncated }
            let answer = gate.handle(Frame(kind: header.kind, code: header.code, uid: header.uid, body: body))
            guard send(FrameCodec.encode(answer)) else { return .writeFailed }
        }
    }

    private func send(_ bytes: [UInt8]) -> Bool {
        writeLock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let wrote = bytes.withUnsafeBytes { write(output, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
                if wrote < 0, errno == EINTR { continue }
                guard wrote > 0 else { return false }
                offset += wrote
            }
            return true
        }
    }

    private func readExactly(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = bytes.withUnsafeMutableBytes { read(input, $0.baseAddress.map { $0 + offset }, count - offset) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            offset += got
        }
        return Array(bytes[0..<offset])
    }
}
