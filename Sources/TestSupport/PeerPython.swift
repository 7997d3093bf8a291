import Foundation

/// Finds a Python interpreter that can import a peer's module (a pip package the tests compare with), so a test can
/// skip with a clear message when the peer is not installed.
public enum PeerPython {
    /// The first interpreter that imports `module`, tried in this order: the path in the environment variable
    /// `environmentVariable`, the CI venv `.build/<venv>/bin/python` under the package root, then `fallbacks`.
    public static func find(importing module: String, environmentVariable: String, venv: String, fallbacks: [String] = []) -> String? {
        let root = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [root.appendingPathComponent(".build/\(venv)/bin/python").path] + fallbacks
        if let configured = ProcessInfo.processInfo.environment[environmentVariable] { candidates.insert(configured, at: 0) }
        return candidates.first { path in
            guard FileManager.default.isExecutableFile(atPath: path) else { return false }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-c", "import \(module)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
    }
}
