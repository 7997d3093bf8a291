import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

/// HTTP through Foundation's `URLSession`, with cookies handled by the client rather than a shared cookie store.
public struct URLSessionTransport: KBSTransport {
    /// The broker's base URL (`http://127.0.0.1:8080`).
    public let baseURL: URL
    private let session: URLSession

    /// Creates a transport to `baseURL`.
    public init(baseURL: URL) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    public func send(method: String, path: String, headers: [String: String], body: [UInt8]) async throws -> KBSHTTPResponse {
        guard let url = URL(string: path, relativeTo: baseURL) else {
            throw KBSClientError(status: 0, type: "", detail: "cannot form a URL from \(baseURL) and \(path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if !body.isEmpty { request.httpBody = Data(body) }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else {
            throw KBSClientError(status: 0, type: "", detail: "not an HTTP response from \(url)")
        }
        var responseHeaders: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { responseHeaders[name.lowercased()] = value }
        }
        return KBSHTTPResponse(status: http.statusCode, headers: responseHeaders, body: [UInt8](data))
    }
}
