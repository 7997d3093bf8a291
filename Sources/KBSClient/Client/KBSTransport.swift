/// An HTTP exchange as the client needs it.
public struct KBSHTTPResponse: Sendable {
    /// The status.
    public var status: Int
    /// Headers, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The one door to the network for the KBS client: tests can answer in process, the CLI goes over HTTP.
public protocol KBSTransport: Sendable {
    /// Sends a request to `path` (starting with `/kbs/v0/`).
    func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse
}
