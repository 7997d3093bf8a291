import Foundation

/// Runs outside tools (skopeo, openssl) for the interoperability tests.
enum Peer {
    static func find(_ name: String) -> String? {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
            return directory + "/" + name
        }
        return nil
    }

    static let skopeo = find("skopeo")
    static let openssl = find("openssl")

    /// Runs a tool; returns its exit status and combined output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// `skopeo copy` with the given key options, failing the test with skopeo's output when it fails.
    static func skopeoCopy(_ options: [String], from source: String, to destination: String) throws -> (status: Int32, output: String) {
        guard let skopeo else { return (-1, "skopeo missing") }
        return try run(skopeo, ["copy", "--quiet", "--insecure-policy"] + options + [source, destination])
    }
}
