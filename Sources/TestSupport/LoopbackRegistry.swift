import Foundation

/// A CNCF distribution registry (`docker-registry`) on a free loopback port, its storage under `storage`,
/// stopped when released. For tests that push and pull real images.
public final class LoopbackRegistry: @unchecked Sendable {
    private let process: Process
    /// `127.0.0.1:PORT`.
    public let host: String
    /// The port.
    public let port: Int

    /// The `docker-registry` executable, when installed.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map { "\($0)/docker-registry" } + ["/usr/bin/docker-registry"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Token authentication as the registry itself enforces it (its `auth: token` configuration): every request
    /// without a valid Bearer token is answered `401` with a challenge naming `realm`, `service` and the scope.
    public struct TokenAuth: Sendable {
        /// Where clients fetch tokens.
        public var realm: String
        /// The `service` (the tokens' audience).
        public var service: String
        /// The issuer the tokens must name.
        public var issuer: String
        /// The PEM certificates a token's signing certificate must chain to.
        public var rootCertificatesPEM: String

        /// Creates the configuration.
        public init(realm: String, service: String, issuer: String, rootCertificatesPEM: String) {
            self.realm = realm
            self.service = service
            self.issuer = issuer
            self.rootCertificatesPEM = rootCertificatesPEM
        }
    }

    /// Starts the registry and waits until it accepts connections.
    ///
    /// A port free when asked may be taken before the registry binds it (the registry then exits at once), so up to
    /// three ports are tried, each given 30 s to answer on a busy machine.
    ///
    /// - Throws: ``LoopbackRegistry/Failure`` when it is not installed or no attempt answers.
    public init(storage: String, tokenAuth: TokenAuth? = nil) throws {
        guard let executable = Self.executable else { throw Failure("docker-registry is not installed (apt-get install docker-registry)") }
        var tried: [Int] = []
        for _ in 0..<3 {
            let port = LoopbackPorts.free()
            tried.append(port)
            if let process = try Self.launch(executable: executable, port: port, storage: storage, tokenAuth: tokenAuth) {
                self.process = process
                self.port = port
                host = "127.0.0.1:\(port)"
                return
            }
        }
        throw Failure("docker-registry did not answer on 127.0.0.1, ports \(tried.map(String.init).joined(separator: ", "))")
    }

    /// Starts the registry on `port`; the running process once it accepts connections, nil when it exits or stays
    /// silent for 30 s (then it is stopped).
    private static func launch(executable: String, port: Int, storage: String, tokenAuth: TokenAuth?) throws -> Process? {
        let host = "127.0.0.1:\(port)"
        let config = storage + "/registry.yml"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        var auth = ""
        if let tokenAuth {
            try tokenAuth.rootCertificatesPEM.write(toFile: storage + "/token-roots.pem", atomically: true, encoding: .utf8)
            auth = """

                auth:
                  token:
                    realm: \(tokenAuth.realm)
                    service: \(tokenAuth.service)
                    issuer: \(tokenAuth.issuer)
                    rootcertbundle: \(storage)/token-roots.pem
                """
        }
        try """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(storage)/registry-data
            http:
              addr: \(host)
            """.appending(auth).write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning {
            if accepts(port: port) { return process }
            Thread.sleep(forTimeInterval: 0.1)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return nil
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Why the registry could not be started.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
        init(_ description: String) { self.description = description }
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}
