import Foundation

/// Finds and runs host tools: programs on `PATH` (plus /usr/sbin and /sbin, where runc and dpkg live for root).
public enum HostTools {
    /// The path of the executable `name`, or nil.
    public static func find(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// This process's environment without the dynamic loader's overrides (`LD_PRELOAD`, `LD_LIBRARY_PATH`, …), so a
    /// preloaded library (a malloc interposer, a sanitizer) does not leak into what `ldd` reports.
    public static var loaderNeutralEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LD_") }
    }

    /// The path of `name`, or a ``SandboxError/Code/toolMissing`` naming the package that provides it.
    public static func require(_ name: String, package: String) throws(SandboxError) -> String {
        guard let path = find(name) else {
            throw SandboxError(.toolMissing, "\(name) is not installed (apt-get install --no-install-recommends \(package))")
        }
        return path
    }

    /// Runs `tool` with `arguments` in `directory`, waits, and returns its exit status and output (stdout and
    /// stderr together). `environment` replaces the inherited one when given.
    ///
    /// - Throws: ``SandboxError/Code/launch`` when it cannot be started.
    public static func run(_ tool: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String]? = nil) throws(SandboxError) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SandboxError(.launch, "cannot start \(tool): \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
