#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A TPM character device: `/dev/tpmrm0` (the kernel's resource manager) or `/dev/tpm0`. Each command is one
/// write and its response one read.
public final class DeviceTransport: TPMTransport, @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let lock = Mutex(())

    /// Opens the device.
    ///
    /// - Throws: ``TPMError`` (`command`) when it cannot be opened.
    public init(path: String = "/dev/tpmrm0") throws {
        let fd = open(path, O_RDWR)
        guard fd >= 0 else { throw TPMError(.command, "cannot open \(path) (errno \(errno))") }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    public func transmit(_ command: [UInt8]) throws -> [UInt8] {
        try lock.withLock { _ in
            try PosixIO.writeAll(fd, command, path)
            var buffer = [UInt8](repeating: 0, count: 4096)
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard got >= 10 else { throw TPMError(.command, "\(path): response of \(got) bytes") }
            return Array(buffer.prefix(got))
        }
    }
}
