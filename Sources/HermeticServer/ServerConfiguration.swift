import Foundation
import KeyBroker
import TOMLKit

/// What `hermetic serve` runs with: read from a TOML file, then overridden by command-line flags.
///
/// ```toml
/// listen = "127.0.0.1:8080"
/// store = "sqlite:/var/lib/hermetic/kbs.sqlite"  # or "postgres://hermetic@db.internal:5432/kbs" for replicas
/// kek_file = "/etc/hermetic/kek"          # or kek_env = "HERMETIC_KEK"
/// admin_public_keys = ["/etc/hermetic/admin.pub"]
/// allow_sample = false                     # development only
/// insecure_admin = false                   # development only
/// ear_signing_key = "/etc/hermetic/ear.pem"  # P-256; a fresh key per process when absent
/// rv_signer_keys = ["/etc/hermetic/rv-signer.pub"]  # keys for signed reference value documents
/// rv_require_signed = false                # true: refuse unsigned RVPS sample messages
/// [admin.roles]                            # replaces the default role table (AdminRoles.defaults) whole
/// admin = ["*"]
/// auditor = ["audit.read", "policy.read", "reference-value.read"]
/// [limits]
/// session_lifetime_seconds = 300
/// token_lifetime_seconds = 300
/// max_live_sessions = 10000
/// max_body_bytes = 2097152
/// ```
public struct ServerConfiguration: Sendable {
    /// The listening host.
    public var host = "127.0.0.1"
    /// The listening port (0 picks a free one).
    public var port = 8080
    /// The store: `sqlite:PATH` or `postgres://user@host:port/database`.
    public var store = "sqlite:hermetic-kbs.sqlite"
    /// A file holding the key-encryption key.
    public var kekFile: String?
    /// An environment variable holding the key-encryption key.
    public var kekEnvironment: String?
    /// Files holding admin public keys (PEM, Ed25519 or P-256).
    public var adminPublicKeyFiles: [String] = []
    /// Admin public keys given inline (PEM), as the quickstart does.
    public var adminPublicKeysPEM: [String] = []
    /// Accept the sample TEE (development only).
    public var allowSample = false
    /// Allow admin calls without a key when none is configured (development only).
    public var insecureAdmin = false
    /// A PEM file with the EAR signing key.
    public var earSigningKeyFile: String?
    /// The broker's limits and lifetimes.
    public var broker = BrokerConfiguration()
    /// Which permissions each admin token role has.
    public var adminRoles = AdminRoles.defaults
    /// Files holding the tenant's public keys for signed reference value documents (PEM: Ed25519, P-256, P-384).
    public var referenceValueSignerKeyFiles: [String] = []

    /// The defaults.
    public init() {}

    /// Reads a TOML configuration file.
    ///
    /// - Throws: ``ServerError`` naming the file or the key that is wrong.
    public static func load(file path: String) throws -> ServerConfiguration {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ServerError("cannot read configuration file \(path)")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch { throw ServerError("\(path) is not valid TOML: \(error)") }
        var configuration = ServerConfiguration()
        for key in table.keys {
            let value = table[key]
            switch key {
            case "listen": try configuration.setListen(try string(value, key))
            case "store": configuration.store = try string(value, key)
            case "kek_file": configuration.kekFile = try string(value, key)
            case "kek_env": configuration.kekEnvironment = try string(value, key)
            case "ear_signing_key": configuration.earSigningKeyFile = try string(value, key)
            case "allow_sample": configuration.allowSample = try bool(value, key)
            case "insecure_admin": configuration.insecureAdmin = try bool(value, key)
            case "admin_public_keys":
                guard let array = value?.array else { throw ServerError("\(key) must be an array of file paths") }
                configuration.adminPublicKeyFiles = try array.map { try string($0, key) }
            case "admin":
                guard let admin = value?.table else { throw ServerError("[admin] must be a table") }
                for adminKey in admin.keys {
                    guard adminKey == "roles" else { throw ServerError("unknown key admin.\(adminKey) in \(path)") }
                    configuration.adminRoles = try adminRoles(admin[adminKey])
                }
            case "rv_signer_keys":
                guard let array = value?.array else { throw ServerError("\(key) must be an array of file paths") }
                configuration.referenceValueSignerKeyFiles = try array.map { try string($0, key) }
            case "rv_require_signed": configuration.broker.requireSignedReferenceValues = try bool(value, key)
            case "limits":
                guard let limits = value?.table else { throw ServerError("[limits] must be a table") }
                for limit in limits.keys {
                    let number = try int(limits[limit], "limits.\(limit)")
                    switch limit {
                    case "session_lifetime_seconds": configuration.broker.sessionLifetime = TimeInterval(number)
                    case "token_lifetime_seconds": configuration.broker.tokenLifetime = TimeInterval(number)
                    case "max_live_sessions": configuration.broker.maxLiveSessions = number
                    case "max_body_bytes": configuration.broker.maxBodyBytes = number
                    default: throw ServerError("unknown key limits.\(limit) in \(path)")
                    }
                }
            default: throw ServerError("unknown key \(key) in \(path)")
            }
        }
        return configuration
    }

    /// Sets host and port from `HOST:PORT`.
    ///
    /// - Throws: ``ServerError`` when the text is not `HOST:PORT`.
    public mutating func setListen(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ServerError("listen address \(text) is not HOST:PORT")
        }
        host = String(text[..<colon])
        self.port = port
    }

    /// `[admin.roles]`: role name → array of permission names (``AdminPermission``, or `"*"`).
    private static func adminRoles(_ value: TOMLValueConvertible?) throws -> AdminRoles {
        guard let table = value?.table else { throw ServerError("[admin.roles] must be a table of role = [permissions]") }
        var names: [String: [String]] = [:]
        for role in table.keys {
            guard let array = table[role]?.array else { throw ServerError("admin.roles.\(role) must be an array of permission names") }
            names[role] = try array.map { try string($0, "admin.roles.\(role)") }
        }
        do {
            return try AdminRoles(names: names)
        } catch let error as KBSError {
            throw ServerError("[admin.roles]: \(error.detail)")
        }
    }

    private static func string(_ value: TOMLValueConvertible?, _ key: String) throws -> String {
        guard let text = value?.string else { throw ServerError("\(key) must be a string") }
        return text
    }

    private static func bool(_ value: TOMLValueConvertible?, _ key: String) throws -> Bool {
        guard let flag = value?.bool else { throw ServerError("\(key) must be true or false") }
        return flag
    }

    private static func int(_ value: TOMLValueConvertible?, _ key: String) throws -> Int {
        guard let number = value?.int, number > 0 else { throw ServerError("\(key) must be a positive integer") }
        return number
    }
}

/// A configuration or start-up failure of the server, naming what is wrong.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
