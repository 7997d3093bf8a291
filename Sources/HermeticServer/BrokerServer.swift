import Attestation
import Foundation
import HTTPTypes
import Hummingbird
import KeyBroker
import Logging
import NIOCore
import ReferenceValues
import Storage
import StoragePostgres

/// The HTTP face of a ``KeyBroker``: `/kbs/v0/*`, `/healthz`, `/metrics` and `/.well-known/jwks.json` on
/// Hummingbird. It only translates requests and responses; the broker holds the logic.
public struct BrokerServer: Sendable {
    /// The broker.
    public let broker: KeyBroker
    /// The listening host.
    public let host: String
    /// The listening port (0 picks a free one).
    public let port: Int
    private let logger: Logger

    /// Creates a server for `broker`.
    public init(broker: KeyBroker, host: String, port: Int, logger: Logger = Logger(label: "hermetic.kbs")) {
        self.broker = broker
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Builds the broker a configuration describes: the store, the KEK, the verifiers, the admin keys, the EAR key.
    ///
    /// - Parameter verifiers: the accepted TEEs (the caller registers hardware verifiers; `allowSample` is applied).
    /// - Throws: ``ServerError`` or the store's error, naming what cannot be read.
    public static func makeBroker(_ configuration: ServerConfiguration, verifiers: VerifierRegistry) async throws -> KeyBroker {
        let kek: KeyEncryptionKey
        if let file = configuration.kekFile {
            kek = try KeyEncryptionKey.load(file: file)
        } else if let name = configuration.kekEnvironment {
            kek = try KeyEncryptionKey.load(environment: name)
        } else {
            throw ServerError("no key-encryption key: give --kek-file PATH (32 bytes, 64 hex digits or base64) or kek_env in the configuration")
        }
        let store = try await openStore(configuration.store, kek: kek)
        var adminKeys = configuration.adminPublicKeysPEM
        for file in configuration.adminPublicKeyFiles {
            guard let data = FileManager.default.contents(atPath: file), let pem = String(data: data, encoding: .utf8) else {
                throw ServerError("cannot read admin public key \(file)")
            }
            adminKeys.append(pem)
        }
        let admin = try await AdminAuthenticator(publicKeysPEM: adminKeys, roles: configuration.adminRoles, insecure: configuration.insecureAdmin)
        let signer: EARSigner
        if let file = configuration.earSigningKeyFile {
            guard let data = FileManager.default.contents(atPath: file), let pem = String(data: data, encoding: .utf8) else {
                throw ServerError("cannot read EAR signing key \(file)")
            }
            signer = try await EARSigner(pem: pem)
        } else {
            signer = await EARSigner()
        }
        var broker = configuration.broker
        broker.insecureAdmin = configuration.insecureAdmin
        broker.referenceValueSigners += try configuration.referenceValueSignerKeyFiles.map(Self.referenceValueSigner(file:))
        return try await KeyBroker(store: store, configuration: broker, verifiers: verifiers, signer: signer, admin: admin)
    }

    private static func referenceValueSigner(file: String) throws -> ReferenceValueVerificationKey {
        guard let data = FileManager.default.contents(atPath: file), let pem = String(data: data, encoding: .utf8) else {
            throw ServerError("cannot read reference value signer key \(file)")
        }
        do {
            return try ReferenceValueVerificationKey(pem: pem)
        } catch {
            throw ServerError("reference value signer key \(file): \(error.message)")
        }
    }

    /// Opens the store a `--store` value names: `sqlite:PATH` (the embedded default) or
    /// `postgres://user@host:port/database` (shared by replicas).
    ///
    /// - Throws: ``ServerError`` for any other form, or the store's error when it cannot be opened.
    public static func openStore(_ spec: String, kek: KeyEncryptionKey) async throws -> any BrokerStore {
        if spec.hasPrefix("sqlite:") {
            return try SQLiteStore(path: String(spec.dropFirst("sqlite:".count)), kek: kek)
        }
        if PostgresURL.matches(spec) {
            return try await PostgresStore(url: spec, kek: kek)
        }
        throw ServerError("store \(spec.prefix(16))… is not supported (use sqlite:PATH or postgres://user@host:port/database)")
    }

    /// Runs until the task is cancelled (or, with `handleSignals`, until SIGTERM or SIGINT).
    ///
    /// - Parameters:
    ///   - handleSignals: shut down gracefully on SIGTERM and SIGINT.
    ///   - onRunning: called with the bound port once the server accepts connections.
    public func run(handleSignals: Bool = false, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let broker = self.broker
        let logger = self.logger
        let maxBody = broker.configuration.maxBodyBytes
        let responder = CallbackResponder<BrokerRequestContext> { request, context in
            await Self.respond(to: request, client: context.clientAddress, broker: broker, maxBody: maxBody, logger: logger)
        }
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "hermetic"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let collector = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                _ = try? await broker.store.deleteExpiredSessions(now: Date())
            }
        }
        defer { collector.cancel() }
        if handleSignals {
            try await application.runService()
        } else {
            try await application.run()
        }
    }

    static func respond(to request: Request, client: String, broker: KeyBroker, maxBody: Int, logger: Logger) async -> Response {
        let path = request.uri.path
        let method = request.method.rawValue
        let response: BrokerResponse
        switch (method, path) {
        case ("GET", "/healthz"):
            response = BrokerResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok\n".utf8))
        case ("GET", "/metrics"):
            response = BrokerResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")], body: Array(broker.metrics.prometheusText().utf8))
        case ("GET", "/.well-known/jwks.json"):
            response = .json(broker.signer.jwks.serialized())
        default:
            guard path.hasPrefix("/kbs/v0/") else {
                response = .error(KBSError(.invalidRequestPath, "no such path \(path.prefix(64)); the KBS API is under /kbs/v0/"))
                break
            }
            var body: [UInt8] = []
            do {
                var buffer = try await request.body.collect(upTo: maxBody)
                body = buffer.readBytes(length: buffer.readableBytes) ?? []
            } catch {
                response = .error(KBSError(.httpFailed, "request body exceeds the limit of \(maxBody) bytes", status: 413))
                break
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            response = await broker.handle(BrokerRequest(
                method: method, path: String(path.dropFirst("/kbs/v0/".count)), query: request.uri.query ?? "", headers: headers, body: body,
                client: client
            ))
        }
        // One line per request: method, path and status; never headers, bodies, cookies or tokens.
        logger.info("request", metadata: ["method": .string(method), "path": .string(String(path.prefix(128))), "status": .stringConvertible(response.status)])
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
