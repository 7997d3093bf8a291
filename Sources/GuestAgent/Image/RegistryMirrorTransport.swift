#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import KBSClient
import NIOCore
import OCI

/// The guest's way to a registry: plain HTTP/1.1 on SwiftNIO to the one forwarded host port (the static agent links
/// no libcurl). Every request goes to `mirror` (`HOST:PORT`), whatever registry the image names: images are pinned by
/// digest in the policy, so the mirror can only serve the content the digests name, or fail.
public struct RegistryMirrorTransport: RegistryTransport {
    private let http: HTTPTransport

    /// A transport to `mirror` (`HOST:PORT`).
    ///
    /// - Throws: ``OCIError`` (`malformed`) naming a mirror that is not `HOST[:PORT]`.
    public init(mirror: String, timeout: TimeAmount = .seconds(60)) throws {
        do {
            http = try HTTPTransport(url: "http://" + mirror, timeout: timeout)
        } catch {
            throw OCIError(.malformed, "registry mirror \(mirror) is not HOST:PORT")
        }
    }

    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        guard let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false) else {
            throw OCIError(.malformed, "cannot request \(request.url)")
        }
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        do {
            let response = try await http.send(method: request.method, path: path, headers: request.headers, body: request.body)
            return RegistryResponse(status: response.status, headers: response.headers, body: response.body)
        } catch {
            throw OCIError(.io, "cannot reach the registry mirror \(http.host):\(http.port): \(error)")
        }
    }
}
