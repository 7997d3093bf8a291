#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes with one open, the way sysfs and configfs attributes expect them (one `write` per
/// value; reads until end of file). Plain POSIX calls, so they work the same on a FIFO, a regular file or an
/// attribute.
public enum GuestFiles {
    /// The directory part of `path` (`/run/hermetic` for `/run/hermetic/aael.log`, `/` for `/x`, "" for a bare name),
    /// as `NSString.deletingLastPathComponent` gives it.
    static func directory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// Reads the whole file at `path`.
    ///
    /// - Throws: ``GuestAttesterError`` (`io`) naming the path and errno.
    public static func read(_ path: String, limit: Int = 1 << 24) throws(GuestAttesterError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GuestAttesterError(.io, "cannot open \(path) for reading (errno \(errno))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw GuestAttesterError(.io, "cannot read \(path) (errno \(errno))")
            }
            if got == 0 { return bytes }
            bytes += chunk[0..<got]
            guard bytes.count <= limit else { throw GuestAttesterError(.io, "\(path) is larger than \(limit) bytes") }
        }
    }

    /// Reads a text attribute, trailing newline removed.
    public static func readText(_ path: String) throws(GuestAttesterError) -> String {
        var text = String(decoding: try read(path, limit: 4096), as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Writes `bytes` to an existing file in one `write` (no create, no truncate beyond what the file does).
    public static func write(_ path: String, _ bytes: [UInt8], create: Bool = false, append: Bool = false) throws(GuestAttesterError) {
        var flags = O_WRONLY | O_CLOEXEC
        if create { flags |= O_CREAT }
        if append { flags |= O_APPEND } else if create { flags |= O_TRUNC }
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw GuestAttesterError(.io, "cannot open \(path) for writing (errno \(errno))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let wrote = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset) }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw GuestAttesterError(.io, "cannot write \(path) (errno \(errno))")
            }
            offset += wrote
        }
    }
}
