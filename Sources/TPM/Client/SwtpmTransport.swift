#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// swtpm's TCP interface (`swtpm socket --server type=tcp,port=P --ctrl type=tcp,port=C`): raw TPM commands on
/// the server port, and swtpm's control commands (big-endian command code, then its payload) on the control port,
/// used here to power the TPM on (`CMD_INIT`) and off (`CMD_SHUTDOWN`).
public final class SwtpmTransport: TPMTransport, @unchecked Sendable {
    /// The host (IPv4).
    public let host: String
    /// The command port.
    public let port: UInt16
    /// The control port.
    public let controlPort: UInt16
    private var fd: Int32 = -1
    private let lock = Mutex(())

    /// Creates a transport; the connection opens on the first command.
    public init(host: String = "127.0.0.1", port: UInt16 = 2321, controlPort: UInt16? = nil) {
        self.host = host
        self.port = port
        self.controlPort = controlPort ?? port &+ 1
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Parses `swtpm:host=127.0.0.1,port=2321` (tpm2-tools' TCTI syntax) or `host:port`.
    public convenience init?(tcti: String) {
        var text = tcti
        if text.hasPrefix("swtpm:") { text.removeFirst(6) }
        var host = "127.0.0.1", port: UInt16 = 2321, control: UInt16?
        if text.contains("=") || text.isEmpty {
            for pair in text.split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { return nil }
                switch kv[0] {
                case "host": host = kv[1]
                case "port": guard let value = UInt16(kv[1]) else { return nil }; port = value
                case "ctrl", "control": guard let value = UInt16(kv[1]) else { return nil }; control = value
                default: return nil
                }
            }
        } else {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let value = UInt16(parts[1]) else { return nil }
            host = String(parts[0])
            port = value
        }
        self.init(host: host, port: port, controlPort: control)
    }

    public func transmit(_ command: [UInt8]) throws -> [UInt8] {
        try lock.withLock { _ in
            if fd < 0 { fd = try PosixIO.connect(host: host, port: port) }
            do {
                try PosixIO.writeAll(fd, command, "swtpm \(host):\(port)")
                return try PosixIO.readResponse(fd, "swtpm \(host):\(port)")
            } catch {
                close(fd)
                fd = -1
                throw error
            }
        }
    }

    /// Powers the TPM on (`CMD_INIT`, as swtpm needs unless started with `--flags not-need-init`); follow with
    /// ``TPMClient/startup()``.
    ///
    /// - Throws: ``TPMError`` (`command`) when the control port refuses or swtpm returns an error.
    public func powerOn() throws {
        try control(code: 0x0000_0002, payload: [0, 0, 0, 0])
    }

    /// Asks swtpm to shut down (`CMD_SHUTDOWN`); the process exits.
    public func shutdown() throws {
        lock.withLock { _ in
            if fd >= 0 { close(fd); fd = -1 }
        }
        try control(code: 0x0000_0003, payload: [])
    }

    private func control(code: UInt32, payload: [UInt8]) throws {
        let socket = try PosixIO.connect(host: host, port: controlPort)
        defer { close(socket) }
        var writer = TPMWriter()
        writer.u32(code)
        writer.append(payload)
        try PosixIO.writeAll(socket, writer.bytes, "swtpm control \(host):\(controlPort)")
        var reader = TPMReader(try PosixIO.readExactly(socket, 4, "swtpm control \(host):\(controlPort)"))
        let result = try reader.u32("control result")
        guard result == 0 else { throw TPMError(.command, "swtpm control command 0x\(String(code, radix: 16)) returned 0x\(String(result, radix: 16))") }
    }
}
