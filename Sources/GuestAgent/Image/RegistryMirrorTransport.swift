import Foundation
import KBSClient
import NIOCore
import OCI

/// The guest's way to a registry: plain HTTP/1.1 on SwiftNIO to the one forwarded host port (the static agent links
/// no libcurl). Every request goes to `mirror` (`HOST:PORT`), whatever registry the image names: images are pinned by
/// digest in the policy, so the mirror can only serve the content the digests name, or fail.
public struct RegistryMirrorTransport: RegistryTransport {
    /// Where requests go.
    public let host: String
    /// The port.
    public let port: Int
    private let timeout: TimeAmount

    /// A transport to `mirror` (`HOST:PORT`).
    ///
    /// - Throws: ``OCIError`` (`malformed`) naming a mirror that is not `HOST:PORT`.
    public init(mirror: String, timeout: TimeAmount = .seconds(60)) throws {
        guard let colon = mirror.lastIndex(of: ":"), let port = Int(mirror[mirror.index(after: colon)...]), (1...65535).contains(port),
              colon > mirror.startIndex else {
            throw OCIError(.malformed, "registry mirror \(mirror) is not HOST:PORT")
        }
        host = String(mirror[..<colon])
        self.port = port
        self.timeout = timeout
    }

    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        guard let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false) else {
            throw OCIError(.malformed, "cannot request \(request.url)")
        }
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        do {
            let response = try await HTTPTransport(host: host, port: port, timeout: timeout)
                .send(method: request.method, path: path, headers: request.headers, body: request.body)
            return RegistryResponse(status: response.status, headers: response.headers, body: response.body)
        } catch {
            throw OCIError(.io, "cannot reach the registry mirror \(host):\(port): \(error)")
        }
    }
}
