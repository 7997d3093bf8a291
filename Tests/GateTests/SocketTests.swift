import Foundation
import Testing
@testable import Gate

/// The gate over a unix socket: the host's side through `GateClient` and raw bytes.
@Suite struct SocketTests {
    func serve(_ executor: RecordingExecutor = RecordingExecutor(), limit: Int = 1 << 20) throws -> (GateServer, GateEndpoint) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString.prefix(8)).sock").path
        guard let endpoint = GateEndpoint("unix:" + path) else { throw SocketError(message: "endpoint") }
        let server = GateServer(gate: Gate(policy: try SamplePod.policy(), executor: executor), endpoint: endpoint,
                                limits: FrameLimits(maximumBody: limit))
        try server.start()
        return (server, endpoint)
    }

    @Test func ordersAndPollsOverTheSocket() throws {
        let (server, endpoint) = try serve(RecordingExecutor(exitOnStart: ["c1": true]))
        defer { server.stop() }
        let client = try GateClient(endpoint: endpoint)
        #expect(try client.order(.createSandbox, noun: SamplePod.sandbox, uid: 1) == .ok)
        #expect(try client.order(.createContainer, noun: SamplePod.container("c1", name: "setup"), uid: 2) == .ok)
        #expect(try client.order(.startContainer, noun: SamplePod.start("c1"), uid: 3) == .ok)
        #expect(try client.poll(uid: 3) == .exitedSuccess)
        #expect(try client.order(.createContainer, noun: SamplePod.container("c3", name: "sidecar"), uid: 4) == .refusedByState)
        #expect(client.doorbells == [Gate.doorbellStatusChanged])
    }

    @Test func oversizedTruncatedAndGarbageFramesCloseOnlyTheirConnection() throws {
        let executor = RecordingExecutor()
        let (server, endpoint) = try serve(executor, limit: 1024)
        defer { server.stop() }
        // Oversized: the header declares more than the limit; the gate answers malformed-frame and hangs up.
        let oversized = try GateClient(endpoint: endpoint)
        var header = FrameCodec.encode(.order(.createSandbox, uid: 42, noun: []))
        header[16..<20] = [0, 0x10, 0, 0]
        #expect(try oversized.sendRaw(header) == .reply(.malformedFrame, uid: 42))
        #expect(try oversized.nextReply() == nil)
        // Garbage magic.
        let garbage = try GateClient(endpoint: endpoint)
        #expect(try garbage.sendRaw(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) == .reply(.malformedFrame, uid: 0x5450_2f31_2e31_0d0a))
        // Truncated: half a frame, then the host goes away; nothing executes.
        do {
            let truncated = try GateClient(endpoint: endpoint)
            _ = truncated
            let frame = FrameCodec.encode(.order(.createSandbox, uid: 5, noun: SamplePod.sandbox))
            let raw = socketPair(endpoint)
            _ = raw.map { fd in frame.prefix(30).withUnsafeBytes { send(fd, $0.baseAddress, 30, Int32(MSG_NOSIGNAL)) } }
            raw.map { close($0) }
        }
        // Still serving, and nothing ran.
        let client = try GateClient(endpoint: endpoint)
        #expect(executor.count == 0)
        #expect(try client.order(.createSandbox, noun: SamplePod.sandbox, uid: 6) == .ok)
        #expect(executor.count == 1)
    }

    @Test func aFloodOverTheSocket() throws {
        let executor = RecordingExecutor()
        let (server, endpoint) = try serve(executor)
        defer { server.stop() }
        let client = try GateClient(endpoint: endpoint)
        var bytes: [UInt8] = []
        for uid in UInt64(1)...1_000 {
            bytes += FrameCodec.encode(.order(.startContainer, uid: uid, noun: SamplePod.start("nope")))
        }
        // All at once, pipelined; read every reply back in order.
        #expect(try client.sendRaw(bytes) == .reply(.refusedByState, uid: 1))
        for uid in UInt64(2)...1_000 { #expect(try client.nextReply() == .reply(.refusedByState, uid: uid)) }
        #expect(executor.count == 0)
        #expect(try client.order(.createSandbox, noun: SamplePod.sandbox, uid: 1_001) == .ok)
    }

    /// A raw connected socket.
    func socketPair(_ endpoint: GateEndpoint) -> Int32? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0, var address = SocketIO.address(endpoint.path) else { return nil }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0 ? fd : nil
    }
}
