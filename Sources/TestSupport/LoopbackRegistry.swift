import Foundation

/// A CNCF distribution registry (`docker-registry`) on a random loopback port, its storage under `storage`,
/// stopped when released. For tests that push and pull real images.
public final class LoopbackRegistry: @unchecked Sendable {
    private let process = Process()
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

    /// Starts the registry and waits until `/v2/` answers.
    ///
    /// - Throws: ``LoopbackRegistry/Failure`` when it is not installed or does not answer in 10 s.
    public init(storage: String) throws {
        guard let executable = Self.executable else { throw Failure("docker-registry is not installed (apt-get install docker-registry)") }
        port = Int.random(in: 20_000...50_000)
        host = "127.0.0.1:\(port)"
        let config = storage + "/registry.yml"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        try """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(storage)/registry-data
            http:
              addr: \(host)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if let url = URL(string: "http://\(host)/v2/"), (try? Data(contentsOf: url)) != nil { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.terminate()
        throw Failure("docker-registry did not answer on \(host)")
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
