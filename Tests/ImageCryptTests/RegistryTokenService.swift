import Crypto
import Foundation
import HermeticCore
import Hummingbird
import TestSupport

/// A token service as the Docker token specification describes it, for docker-registry's `auth: token`: `GET
/// /token?service=…&scope=repository:NAME:ACTIONS` with HTTP basic credentials answers `{"token": JWT}`, an ES384 JWT
/// whose `x5c` header carries the signing certificate, granting the actions asked for. The registry, not this
/// service, decides whether a token is good enough: issuer, audience, lifetime, signature and chain.
final class RegistryTokenService: Sendable {
    static let service = "hermetic-test-registry"
    static let issuer = "hermetic-test-token-issuer"

    /// `http://127.0.0.1:PORT/token`.
    let realm: String
    /// The certificate the registry is configured to trust, PEM.
    let rootPEM: String
    private let task: Task<Void, any Error>

    /// Starts the service with the credentials it accepts; its tokens are signed by `signingKey` under a
    /// self-signed certificate (a different key than the registry trusts makes every token untrusted).
    init(user: String, password: String, signingKey: P384.Signing.PrivateKey = P384.Signing.PrivateKey(), trustedKey: P384.Signing.PrivateKey? = nil) async throws {
        let certificate = try Self.certificate(for: signingKey)
        rootPEM = TestCertificateBuilder.pem(certificate: try trustedKey.map(Self.certificate(for:)) ?? certificate)
        let router = Router()
        router.get("token") { request, _ -> Response in
            guard request.headers[.authorization] == "Basic " + Base64.encode(Array("\(user):\(password)".utf8)) else {
                return Response(status: .unauthorized)
            }
            let scopes = request.uri.queryParameters.getAll("scope").map { String($0) }
            let token = try Self.token(user: user, scopes: scopes, key: signingKey, certificate: certificate)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: JSONValue.object(["token": .string(token)]).serialized())))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        task = Task { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw ServiceFailure() }
        realm = "http://127.0.0.1:\(port)/token"
    }

    deinit { task.cancel() }

    /// The registry configuration that trusts this service.
    var registryAuth: LoopbackRegistry.TokenAuth {
        LoopbackRegistry.TokenAuth(realm: realm, service: Self.service, issuer: Self.issuer, rootCertificatesPEM: rootPEM)
    }

    private static func token(user: String, scopes: [String], key: P384.Signing.PrivateKey, certificate: [UInt8]) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let access: [JSONValue] = scopes.compactMap { scope in
            // repository:NAME:ACTIONS, where NAME may itself hold colons only before the last one.
            let parts = scope.split(separator: ":")
            guard parts.count >= 3, parts[0] == "repository" else { return nil }
            let actions = parts[parts.count - 1].split(separator: ",").map { JSONValue.string(String($0)) }
            return .object(["type": .string("repository"), "name": .string(parts[1..<(parts.count - 1)].joined(separator: ":")), "actions": .array(actions)])
        }
        let header = JSONValue.object(["alg": .string("ES384"), "typ": .string("JWT"), "x5c": .array([.string(Base64.encode(certificate))])])
        let claims = JSONValue.object([
            "iss": .string(issuer), "sub": .string(user), "aud": .string(service), "iat": .int(now), "nbf": .int(now - 10),
            "exp": .int(now + 300), "jti": .string(UUID().uuidString), "access": .array(access),
        ])
        let signingInput = Base64.encodeURL(Array(header.serialized().utf8)) + "." + Base64.encodeURL(Array(claims.serialized().utf8))
        let signature = try key.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Base64.encodeURL(signature.rawRepresentation)
    }

    private static func certificate(for key: P384.Signing.PrivateKey) throws -> [UInt8] {
        let name = try TestCertificateBuilder.name(commonName: "hermetic test token issuer", organization: "Hermetic tests")
        return try TestCertificateBuilder.certificate(serial: [1], issuer: name, subject: name, notBefore: Date().addingTimeInterval(-3600),
                                                      notAfter: Date().addingTimeInterval(86_400), subjectKey: .p384(key), signedBy: .p384(key))
    }
}

/// The token service did not start.
struct ServiceFailure: Error {}
