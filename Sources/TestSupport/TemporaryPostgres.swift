import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for tests: a fresh cluster in a temporary directory (`initdb -A trust`), listening on
/// a free loopback port, stopped and deleted by ``stop()``. Run as root, the server runs as the `postgres` user
/// through `runuser`, since PostgreSQL refuses to run as root.
public final class TemporaryPostgres: Sendable {
    /// Why a test cannot start PostgreSQL here.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        /// What is missing or failed.
        public let message: String
        public var description: String { message }
    }

    /// The listening port on 127.0.0.1.
    public let port: Int
    /// The cluster's root (data directory, socket and log).
    public let directory: String
    /// With TLS: the PEM file of the server's self-signed certificate (for `sslrootcert`); `nil` without TLS.
    public let rootCertificateFile: String?
    private let binDirectory: String
    private let process: Process

    /// The reason PostgreSQL cannot be used here, or `nil` when its binaries are installed.
    public static var unavailableReason: String? {
        switch binDirectory() {
        case .success: nil
        case .failure(let error): error.message
        }
    }

    /// Whether PostgreSQL's server binaries are installed (for `.enabled(if:)`).
    public static var isInstalled: Bool { unavailableReason == nil }

    private static func binDirectory() -> Result<String, Unavailable> {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        for version in versions {
            let bin = "\(root)/\(version)/bin"
            if ["initdb", "pg_ctl", "postgres", "pg_isready", "psql"].allSatisfy({ FileManager.default.isExecutableFile(atPath: "\(bin)/\($0)") }) {
                if getuid() == 0, !FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), !FileManager.default.isExecutableFile(atPath: "/sbin/runuser") {
                    return .failure(Unavailable(message: "PostgreSQL not installed: running as root needs runuser to start it as postgres"))
                }
                return .success(bin)
            }
        }
        return .failure(Unavailable(message: "PostgreSQL not installed: no \(root)/*/bin/initdb, pg_ctl and psql (apt-get install postgresql)"))
    }

    /// Creates and starts a cluster.
    ///
    /// - Parameter tls: serve TLS only: a fresh self-signed P-384 certificate for `127.0.0.1` and `localhost`, and
    ///   `pg_hba.conf` rejecting every TCP connection without TLS.
    /// - Throws: ``Unavailable`` when PostgreSQL is not installed or does not start (with its log).
    public init(tls: Bool = false) throws {
        binDirectory = try Self.binDirectory().get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
        }
        let data = "\(directory)/data"
        try Self.run(binDirectory + "/initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], what: "initdb")
        var tlsSettings: [String] = []
        if tls {
            let files = try Self.writeServerCertificate(into: directory)
            rootCertificateFile = files.certificate
            tlsSettings = ["-c", "ssl=on", "-c", "ssl_cert_file=\(files.certificate)", "-c", "ssl_key_file=\(files.key)"]
            let rules = "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n"
            try Self.writeOwnedByPostgres(rules, to: "\(data)/pg_hba.conf", mode: 0o600)
        } else {
            rootCertificateFile = nil
        }
        // The server is our own child (not daemonised by pg_ctl): Foundation's Process waits on descriptors a daemon
        // would inherit and keep open, so `pg_ctl start` never looks finished from here.
        var failures: [String] = []
        for _ in 0..<5 {
            let candidate = LoopbackPorts.free()
            let server = try Self.launch(binDirectory + "/postgres", [
                "-D", data, "-c", "listen_addresses=127.0.0.1", "-p", "\(candidate)", "-k", directory, "-c", "fsync=off",
            ] + tlsSettings, log: "\(directory)/log")
            let deadline = Date().addingTimeInterval(30)
            while server.isRunning, Date() < deadline {
                if (try? Self.run(binDirectory + "/pg_isready", ["-q", "-h", "127.0.0.1", "-p", "\(candidate)"], what: "pg_isready")) != nil {
                    port = candidate
                    process = server
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if server.isRunning { server.terminate() }
            server.waitUntilExit()
            failures.append("port \(candidate): exited with \(server.terminationStatus)")
        }
        let log = (try? String(contentsOfFile: "\(directory)/log", encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: directory)
        throw Unavailable(message: "PostgreSQL did not start: \(failures.joined(separator: "; "))\n\(log.suffix(2000))")
    }

    /// The connection string of `database` (user `postgres`, trust authentication).
    public func url(database: String = "postgres") -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)" }

    /// Creates a database and returns its connection string.
    public func createDatabase(_ name: String) throws -> String {
        try Self.run(binDirectory + "/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-q", "-c", "CREATE DATABASE \(name)"], what: "CREATE DATABASE")
        return url(database: name)
    }

    /// A self-signed server certificate (P-384, names `127.0.0.1` and `localhost`) and its key, readable by the server only.
    private static func writeServerCertificate(into directory: String) throws -> (certificate: String, key: String) {
        let key = P384.Signing.PrivateKey()
        let name = try TestCertificateBuilder.name(commonName: "127.0.0.1", organization: "Hermetic test PostgreSQL")
        // subjectAltName: iPAddress 127.0.0.1 and dNSName localhost.
        let alternativeNames: [UInt8] = [0x30, 0x11, 0x87, 0x04, 127, 0, 0, 1, 0x82, 0x09] + Array("localhost".utf8)
        let der = try TestCertificateBuilder.certificate(
            serial: [0x01], issuer: name, subject: name, notBefore: Date().addingTimeInterval(-3600), notAfter: Date().addingTimeInterval(86400),
            subjectKey: .p384(key), extensions: [.init(oid: [2, 5, 29, 17], value: alternativeNames)], signedBy: .p384(key)
        )
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        let certificate = "\(directory)/server.crt", keyFile = "\(directory)/server.key"
        try writeOwnedByPostgres("-----BEGIN CERTIFICATE-----\n\(body)\n-----END CERTIFICATE-----\n", to: certificate, mode: 0o644)
        try writeOwnedByPostgres(key.pemRepresentation + "\n", to: keyFile, mode: 0o600)
        return (certificate, keyFile)
    }

    private static func writeOwnedByPostgres(_ text: String, to path: String, mode: Int) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: mode]
        if getuid() == 0 { attributes[.ownerAccountName] = "postgres" }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: path)
    }

    /// Stops the server (immediate shutdown) and deletes the cluster.
    public func stop() {
        _ = try? Self.run(binDirectory + "/pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"], what: "pg_ctl stop")
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts a PostgreSQL binary (as `postgres` when we are root) without waiting, its output appended to `log`.
    private static func launch(_ tool: String, _ arguments: [String], log: String) throws -> Process {
        let process = command(tool, arguments)
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        guard let output = FileHandle(forWritingAtPath: log) else { throw Unavailable(message: "cannot write \(log)") }
        output.seekToEndOfFile()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try? output.close()
        return process
    }

    private static func command(_ tool: String, _ arguments: [String]) -> Process {
        let process = Process()
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", tool] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        return process
    }

    /// Runs a PostgreSQL binary (as `postgres` when we are root) and waits; throws with its output when it fails.
    private static func run(_ tool: String, _ arguments: [String], what: String) throws {
        let process = command(tool, arguments)
        // Output to a file: short tools only, so a pipe would do, but a file needs no reader thread.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-pg-out-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), let output = FileHandle(forWritingAtPath: outputPath) else {
            throw Unavailable(message: "\(what): cannot create \(outputPath)")
        }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Unavailable(message: "\(what) exited with \(process.terminationStatus): \(text.suffix(2000))")
        }
    }
}

/// Runs `body` with a fresh PostgreSQL server, stopping it afterwards whether `body` succeeds or throws.
public func withTemporaryPostgres<T>(tls: Bool = false, _ body: (TemporaryPostgres) async throws -> T) async throws -> T {
    let server = try TemporaryPostgres(tls: tls)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
