#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TPM

/// A throwaway swtpm on free loopback ports, started powered on (`--flags not-need-init,startup-clear`) and stopped
/// by its pid. Tests that need it skip with a message when `swtpm` is not on PATH.
final class Swtpm {
    static var path: String? {
        ((ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin").split(separator: ":")
            .map { "\($0)/swtpm" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var available: Bool { path != nil }

    let directory: String
    let port: UInt16
    let controlPort: UInt16
    private let pid: Int32

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guest-swtpm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        (port, controlPort, pid) = try Self.start(directory)
    }

    private static func start(_ directory: String) throws -> (UInt16, UInt16, Int32) {
        guard let swtpm = path else { throw TPMError(.command, "swtpm is not installed") }
        for _ in 0..<5 {
            let port = UInt16.random(in: 20000...40000)
            let arguments = [swtpm, "socket", "--tpm2", "--tpmstate", "dir=\(directory)", "--flags", "not-need-init,startup-clear",
                             "--server", "type=tcp,port=\(port),bindaddr=127.0.0.1", "--ctrl", "type=tcp,port=\(port + 1),bindaddr=127.0.0.1",
                             "--daemon", "--pid", "file=\(directory)/pid"]
            let argv = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var child: pid_t = 0
            guard posix_spawn(&child, swtpm, nil, nil, argv, environ) == 0 else { throw TPMError(.command, "cannot start swtpm") }
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0, errno == EINTR {}
            guard status == 0 else { continue }
            for _ in 0..<100 {
                if let text = try? String(contentsOfFile: "\(directory)/pid", encoding: .utf8), let value = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    return (port, port + 1, value)
                }
                usleep(20_000)
            }
        }
        throw TPMError(.command, "swtpm did not start")
    }

    deinit {
        if pid > 0 {
            kill(pid, SIGTERM)
            for _ in 0..<50 where kill(pid, 0) == 0 { usleep(20_000) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    var transport: @Sendable () throws -> any TPMTransport {
        { [port, controlPort] in SwtpmTransport(host: "127.0.0.1", port: port, controlPort: controlPort) }
    }

    /// The attestation key `template` derives, as a broker takes it for collateral. swtpm serves one connection at a
    /// time: this one closes before the guest's opens.
    func attestationKey(_ template: KeyTemplate = .akECC) throws -> AttestationKey {
        let client = TPMClient(transport: try transport())
        let ak = try client.createPrimary(template)
        try client.flushContext(ak.handle)
        return try AttestationKey(publicArea: ak.publicArea)
    }
}
