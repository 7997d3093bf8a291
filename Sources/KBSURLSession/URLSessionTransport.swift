import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KBSClient

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
