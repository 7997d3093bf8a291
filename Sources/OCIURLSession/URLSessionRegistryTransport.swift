import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OCI

/// The transport over FoundationNetworking's URLSession.
public struct URLSessionRegistryTransport: RegistryTransport {
    private let session: URLSession

    /// Creates a transport.
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    /// Sends one request.
    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty || request.method == "PUT" || request.method == "PATCH" || request.method == "POST" {
            urlRequest.httpBody = Data(request.body)
        }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch {
            throw OCIError(.io, "cannot reach \(request.url.host ?? "the registry"): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw OCIError(.io, "not an HTTP response from \(request.url)") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return RegistryResponse(status: http.statusCode, headers: headers, body: [UInt8](data))
    }
}
