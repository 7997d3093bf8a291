import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import TPM

/// A throwaway swtpm on free loopback ports (started with `swtpm socket --daemon`, stopped by its pid), and the
/// tpm2-tools peer, for the integration tests. Both are found on PATH; tests skip with a message without them.
final class SwtpmHarness {
    static func tool(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin", "/usr/sbin"]
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var available: Bool { tool("swtpm") != nil && tool("tpm2_checkquote") != nil }

    let directory: URL
    let port: UInt16
    let controlPort: UInt16
    private var pid: Int32?

    /// Starts swtpm; with `ekCertificates`, first runs swtpm_setup to make a TPM with RSA and ECC EK certificates.
    init(ekCertificates: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermetic-swtpm-\(UUID().uuidString)")
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        (port, controlPort) = try Self.freePorts()
        if ekCertificates {
            let ca = directory.appendingPathComponent("localca")
            try FileManager.default.createDirectory(at: ca, withIntermediateDirectories: true)
            let caConfig = directory.appendingPathComponent("localca.conf")
            try "statedir = \(ca.path)\nsigningkey = \(ca.path)/signkey.pem\nissuercert = \(ca.path)/issuercert.pem\ncertserial = \(ca.path)/certserial\n"
                .write(to: caConfig, atomically: true, encoding: .utf8)
            let setupConfig = directory.appendingPathComponent("setup.conf")
            try "create_certs_tool= /usr/bin/swtpm_localca\ncreate_certs_tool_config = \(caConfig.path)\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = sha256\n"
                .write(to: setupConfig, atomically: true, encoding: .utf8)
            let status = try Self.run(capture: false, Self.tool("swtpm_setup") ?? "/usr/bin/swtpm_setup",
                                      ["--tpm2", "--tpm-state", state.path, "--config", setupConfig.path, "--create-ek-cert", "--create-platform-cert", "--overwrite"]).status
            guard status == 0 else { throw TPMError(.command, "swtpm_setup exited \(status)") }
        }
        let pidFile = directory.appendingPathComponent("swtpm.pid")
        // swtpm daemonizes: its child would hold a captured pipe open forever, so its output goes to the log file.
        let result = try Self.run(capture: false, Self.tool("swtpm") ?? "swtpm", [
            "socket", "--tpm2", "--tpmstate", "dir=\(state.path)",
            "--server", "type=tcp,port=\(port),bindaddr=127.0.0.1", "--ctrl", "type=tcp,port=\(controlPort),bindaddr=127.0.0.1",
            "--daemon", "--pid", "file=\(pidFile.path)", "--log", "file=\(directory.path)/swtpm.log,level=1",
        ])
        guard result.status == 0 else { throw TPMError(.command, "swtpm exited \(result.status): \(result.output)") }
        for _ in 0..<100 {
            if let text = try? String(contentsOf: pidFile, encoding: .utf8), let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                pid = value
                break
            }
            usleep(20_000)
        }
        guard pid != nil else { throw TPMError(.command, "swtpm wrote no pid file") }
    }

    deinit { stop() }

    /// Stops the swtpm this harness started (by its pid) and removes its directory.
    func stop() {
        if let pid {
            try? transport.shutdown()  // CMD_SHUTDOWN on the control port: swtpm exits
            for _ in 0..<50 where kill(pid, 0) == 0 { usleep(20_000) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        pid = nil
        try? FileManager.default.removeItem(at: directory)
    }

    /// swtpm-localca's root and intermediate (PEM), with `ekCertificates`: the roots an EK certificate chains to.
    var localCA: (root: URL, intermediate: URL) {
        let ca = directory.appendingPathComponent("localca")
        return (ca.appendingPathComponent("swtpm-localca-rootca-cert.pem"), ca.appendingPathComponent("issuercert.pem"))
    }

    var transport: SwtpmTransport { SwtpmTransport(host: "127.0.0.1", port: port, controlPort: controlPort) }

    /// Runs a program and waits, returning its exit status and its output (stdout and stderr together).
    static func run(capture: Bool = true, _ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        guard capture else { return (try spawnAndWait(path, arguments), "") }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs a program with posix_spawn and reaps it with waitpid. Used for swtpm and swtpm_setup: Foundation's
    /// Process did not notice the exit of swtpm's daemonizing parent, and the test hung in waitUntilExit.
    static func spawnAndWait(_ path: String, _ arguments: [String]) throws -> Int32 {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, nil, nil, argv, environ)
        guard spawned == 0 else { throw TPMError(.command, "cannot start \(path) (error \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TPMError(.command, "waitpid failed for \(path)") }
        }
        return (status >> 8) & 0xFF
    }

    /// Two consecutive free loopback TCP ports (P, P+1), held open together while chosen: tpm2-tools' swtpm TCTI
    /// takes the control port to be the command port plus one.
    static func freePorts() throws -> (UInt16, UInt16) {
        for _ in 0..<50 {
            var sockets: [Int32] = []
            defer { sockets.forEach { close($0) } }
            guard let first = try bindLoopback(0, &sockets), first < UInt16.max, try bindLoopback(first + 1, &sockets) != nil else { continue }
            return (first, first + 1)
        }
        throw TPMError(.command, "no two consecutive free loopback ports")
    }

    /// Binds a loopback TCP socket to `port` (0: any), keeping it in `sockets`; nil when the port is taken.
    private static func bindLoopback(_ port: UInt16, _ sockets: inout [Int32]) throws -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TPMError(.command, "socket failed") }
        sockets.append(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Runs `tpm2_checkquote` on the evidence's first quote with the AK as TPM2B_PUBLIC; true when it accepts.
    func checkquote(_ evidence: TPMEvidence, ak: PublicArea, nonce: [UInt8]) throws -> Bool {
        let files = try evidence.tpm2ToolsFiles()
        let stem = directory.appendingPathComponent("peer-\(UUID().uuidString)").path
        try Data(files.message).write(to: URL(fileURLWithPath: stem + ".msg"))
        try Data(files.signature).write(to: URL(fileURLWithPath: stem + ".sig"))
        try Data(files.pcrs).write(to: URL(fileURLWithPath: stem + ".pcrs"))
        try Data(ak.sizedBytes).write(to: URL(fileURLWithPath: stem + ".pub"))
        let result = try Self.run(Self.tool("tpm2_checkquote") ?? "tpm2_checkquote", [
            "-u", stem + ".pub", "-m", stem + ".msg", "-s", stem + ".sig", "-f", stem + ".pcrs", "-g", "sha256",
            "-q", nonce.map { String(format: "%02x", $0) }.joined(),
        ])
        return result.status == 0
    }
}
