import NIOCore
import NIOHTTP1
import NIOPosix

/// Plain HTTP/1.1 to the broker on SwiftNIO, one connection per exchange: what the guest agent uses, because it
/// links statically (no libcurl, no FoundationNetworking) and the guest reaches the broker through one forwarded
/// port. The KBS protocol protects what matters without TLS (resources are JWEs to the TEE key, evidence binds the
/// nonce); a broker behind HTTPS is reached through a TLS-terminating forwarder on the host.
public struct HTTPTransport: KBSTransport {
    /// The broker's host name or address.
    public let host: String
    /// The broker's TCP port.
    public let port: Int
    /// How long one exchange may take, connection included.
    public let timeout: TimeAmount
    private let group: any EventLoopGroup

    /// Creates a transport to `http://host:port`.
    public init(host: String, port: Int, timeout: TimeAmount = .seconds(30), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.group = group
    }

    /// Creates a transport from a URL `http://HOST[:PORT][/]`.
    ///
    /// - Throws: ``KBSClientError`` naming what is wrong with the URL (another scheme, a path, a bad port).
    public init(url: String, timeout: TimeAmount = .seconds(30)) throws {
        guard url.hasPrefix("http://") else {
            throw KBSClientError(status: 0, type: "", detail: "broker URL \(url) is not http://HOST[:PORT] (the agent speaks plain HTTP to a forwarded port)")
        }
        var authority = Substring(url.dropFirst("http://".count))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty, !authority.contains("/") else {
            throw KBSClientError(status: 0, type: "", detail: "broker URL \(url) must have a host and no path")
        }
        var host = String(authority), port = 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65535).contains(value) else {
                throw KBSClientError(status: 0, type: "", detail: "broker URL \(url) has an invalid port")
            }
            host = String(authority[..<colon])
            port = value
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(host: host, port: port, timeout: timeout)
    }

    public func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        let deadline = NIODeadline.now() + timeout
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        let hostHeader = port == 80 ? host : "\(host):\(port)"
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: hostHeader)
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: String(body.count))
        for (name, value) in headers { head.headers.replaceOrAdd(name: name, value: value) }
        let watchdog = channel.channel.eventLoop.scheduleTask(deadline: deadline) { channel.channel.close(promise: nil) }
        defer { watchdog.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var status = 0
            var responseHeaders: [String: String] = [:]
            var responseBody: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let response):
                    status = Int(response.status.code)
                    for header in response.headers { responseHeaders[header.name.lowercased()] = header.value }
                case .body(var buffer):
                    responseBody += buffer.readBytes(length: buffer.readableBytes) ?? []
                case .end:
                    return KBSHTTPResponse(status: status, headers: responseHeaders, body: responseBody)
                }
            }
            throw KBSClientError(status: 0, type: "", detail: "the broker at \(hostHeader) closed the connection before a whole answer (or \(timeout.nanoseconds / 1_000_000_000) s passed)")
        }
    }
}
