import Foundation
import PostgresNIO
import Storage

/// A parsed `postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]` connection string.
///
/// `sslmode` has libpq's meanings: `disable` (plain TCP), `prefer` (TLS when the server offers it, unverified; the
/// default, as in libpq), `require` (TLS, unverified), `verify-ca` (TLS, the server's chain checked against
/// `sslrootcert` or the system's roots) and `verify-full` (that, and the certificate names the host).
public struct PostgresURL: Sendable, Hashable {
    /// How the connection is protected (libpq's `sslmode`).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The user.
    public var user: String
    /// The password, if the URL has one (never printed).
    public var password: String?
    /// The host.
    public var host: String
    /// The port (5432 when absent).
    public var port: Int
    /// The database (the user's name when absent, as libpq does).
    public var database: String
    /// The TLS mode (`prefer` when absent).
    public var tlsMode: TLSMode
    /// The PEM file of the roots that verify the server (`sslrootcert`); the system's roots when absent.
    public var rootCertificateFile: String?

    /// `host:port/database`, safe to print.
    public var location: String { "\(host):\(port)/\(database)" }

    /// Whether `text` is a PostgreSQL URL (`postgres://` or `postgresql://`).
    public static func matches(_ text: String) -> Bool { text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") }

    /// Parses a connection string.
    ///
    /// - Throws: ``StoreError`` `.unavailable` naming what is missing or unsupported (the password is never repeated).
    public init(_ text: String) throws {
        guard Self.matches(text), let components = URLComponents(string: text) else {
            throw StoreError(.unavailable, "not a PostgreSQL URL (expected postgres://user@host:port/database)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError(.unavailable, "the PostgreSQL URL has no user (expected postgres://user@host:port/database)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError(.unavailable, "the PostgreSQL URL has no host (expected postgres://user@host:port/database)")
        }
        var tlsMode = TLSMode.prefer
        var rootCertificateFile: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StoreError(.unavailable, "the PostgreSQL URL's sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tlsMode = mode
            case "sslrootcert":
                guard let file = item.value, !file.isEmpty else { throw StoreError(.unavailable, "the PostgreSQL URL's sslrootcert is empty") }
                rootCertificateFile = file
            default:
                throw StoreError(.unavailable, "the PostgreSQL URL option \(item.name) is not supported (only sslmode and sslrootcert)")
            }
        }
        self.tlsMode = tlsMode
        self.rootCertificateFile = rootCertificateFile
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? 5432
        self.database = database.isEmpty ? self.user : database
        guard (1...65535).contains(port) else { throw StoreError(.unavailable, "the PostgreSQL URL port \(port) is out of range") }
    }

    /// The TLS configuration the mode asks for, or `nil` for `disable`.
    ///
    /// - Throws: ``StoreError`` `.unavailable` when `sslrootcert` cannot be read.
    func tlsConfiguration() throws -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let rootCertificateFile, tlsMode == .verifyCA || tlsMode == .verifyFull {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(rootCertificateFile))
            } catch {
                throw StoreError(.unavailable, "cannot read the PostgreSQL root certificates \(rootCertificateFile): \(error)")
            }
        }
        return configuration
    }

    /// The pool's TLS setting.
    func clientTLS() throws -> PostgresClient.Configuration.TLS {
        guard let configuration = try tlsConfiguration() else { return .disable }
        return tlsMode == .prefer ? .prefer(configuration) : .require(configuration)
    }

    /// The single connection's TLS setting.
    func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        guard let configuration = try tlsConfiguration() else { return .disable }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) } catch {
            throw StoreError(.unavailable, "cannot set up TLS to PostgreSQL: \(error)")
        }
        return tlsMode == .prefer ? .prefer(context) : .require(context)
    }
}
