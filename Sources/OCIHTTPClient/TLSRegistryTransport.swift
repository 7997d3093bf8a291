import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import OCI

/// A ``RegistryTransport`` on AsyncHTTPClient (swift-nio-ssl) for registries whose certificate chains to a root the
/// operator gives (`--ca-file`): the system roots plus those files, with full verification and host name checks.
/// There is no switch that skips verification.
///
/// Call ``shutdown()`` when done (``withTransport(caFiles:_:)`` does it).
public final class TLSRegistryTransport: RegistryTransport {
    private let client: HTTPClient
    /// The largest response body read into memory: a blob range (``RegistryClient/chunkSize``) or a document.
    public static let bodyLimit = RegistryClient.chunkSize + (1 << 20)

    /// A transport trusting the system roots and every certificate in the PEM files `caFiles`.
    ///
    /// - Throws: ``OCIError`` `.malformed` naming a file that holds no PEM certificate.
    public init(caFiles: [String]) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        var extra: [NIOSSLCertificate] = []
        for file in caFiles {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(file)
                guard !certificates.isEmpty else { throw OCIError(.malformed, "--ca-file \(file) holds no PEM certificate") }
                extra += certificates
            } catch let error as OCIError {
                throw error
            } catch {
                throw OCIError(.malformed, "--ca-file \(file) is not a readable PEM certificate file")
            }
        }
        tls.additionalTrustRoots = [.certificates(extra)]
        tls.certificateVerification = .fullVerification
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .follow(max: 5, allowCycles: false))
        // A certificate that does not verify will not verify on a second try: fail at once rather than retry until
        // the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(configuration: configuration)
    }

    /// Runs `body` with a transport trusting `caFiles`, and shuts it down afterwards.
    public static func withTransport<T: Sendable>(caFiles: [String], _ body: (TLSRegistryTransport) async throws -> T) async throws -> T {
        let transport = try TLSRegistryTransport(caFiles: caFiles)
        do {
            let result = try await body(transport)
            try await transport.shutdown()
            return result
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// Closes the connections.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Sends one request.
    public func send(_ request: RegistryRequest) async throws -> RegistryResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty || ["PUT", "PATCH", "POST"].contains(request.method) {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let host = request.url.host ?? "the registry"
        do {
            let response = try await client.execute(outgoing, timeout: .seconds(60))
            var headers: [String: String] = [:]
            for header in response.headers { headers[header.name.lowercased()] = header.value }
            let body = try await response.body.collect(upTo: Self.bodyLimit)
            return RegistryResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
        } catch let error as NIOSSLError {
            throw OCIError(.io, "TLS with \(host) failed: \(Self.reason(error))")
        } catch let error as BoringSSLError {
            throw OCIError(.io, "TLS with \(host) failed: \(Self.reason(error))")
        } catch let error as NIOSSLExtraError {
            throw OCIError(.io, "TLS with \(host) failed: \(error)")
        } catch {
            throw OCIError(.io, "cannot reach \(host): \(error)")
        }
    }

    /// A handshake failure in words: a certificate that does not verify is named as such (BoringSSL's text carries
    /// build paths), anything else is passed on.
    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the registry's certificate is not trusted (it does not chain to the system roots or a --ca-file, or is not for this host)"
        }
        return text
    }
}
