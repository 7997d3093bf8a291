#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A file opened with POSIX calls: reads fill whole chunks, writes loop until done. Closed on deinit.
final class FileStream {
    private let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Opens an existing file for reading.
    static func open(reading path: String) throws -> FileStream {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw OCIError(errno == ENOENT ? .notFound : .io, "cannot open \(path): \(reason)")
        }
        return FileStream(fd: fd, path: path)
    }

    /// Creates a new file (failing if it exists), mode 0644.
    static func create(_ path: String) throws -> FileStream {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OCIError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
        return FileStream(fd: fd, path: path)
    }

    deinit { close(fd) }

    /// Reads until `buffer` is full or the file ends; returns the number of bytes read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let n = Glibc.read(fd, base + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw OCIError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let error = FileDescriptorWrite.all(bytes, to: fd) {
            throw OCIError(.io, "cannot write \(path): \(String(cString: strerror(error)))")
        }
    }

    /// Flushes the file to stable storage.
    func sync() throws {
        guard fsync(fd) == 0 else { throw OCIError(.io, "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}

/// The one write loop for files opened by descriptor (layouts here, unpacked layers in `ImageUnpack`).
public enum FileDescriptorWrite {
    /// Writes all of `bytes` to `fd`, continuing after short writes and `EINTR`.
    /// - Returns: `nil`, or the `errno` of the write that failed.
    public static func all(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return nil
    }
}
