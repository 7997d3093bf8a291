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
    /// - Throws: ``Unavailable`` when PostgreSQL is not installed or does not start (with its log).
    public init() throws {
        binDirectory = try Self.binDirectory().get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if getuid() == 0 {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
        }
        let data = "\(directory)/data"
        try Self.run(binDirectory + "/initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], what: "initdb")
        // The server is our own child (not daemonised by pg_ctl): Foundation's Process waits on descriptors a daemon
        // would inherit and keep open, so `pg_ctl start` never looks finished from here.
        var failures: [String] = []
        for _ in 0..<5 {
            let candidate = Self.freePort()
            let server = try Self.launch(binDirectory + "/postgres", [
                "-D", data, "-c", "listen_addresses=127.0.0.1", "-p", "\(candidate)", "-k", directory, "-c", "fsync=off",
            ], log: "\(directory)/log")
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

    /// A port that was free a moment ago (bound to port 0, then released).
    private static func freePort() -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return Int.random(in: 20000...60000) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { return Int.random(in: 20000...60000) }
        return Int(UInt16(bigEndian: address.sin_port))
        #else
        return Int.random(in: 20000...60000)
        #endif
    }
}

/// Runs `body` with a fresh PostgreSQL server, stopping it afterwards whether `body` succeeds or throws.
public func withTemporaryPostgres<T>(_ body: (TemporaryPostgres) async throws -> T) async throws -> T {
    let server = try TemporaryPostgres()
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
