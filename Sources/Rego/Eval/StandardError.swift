#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard error through the C library, for `print` output when the caller gives no sink.
@usableFromInline
enum StandardError {
    /// Writes `line` and a newline to file descriptor 2, retrying short writes; errors are dropped, as a failing
    /// diagnostic stream must not fail an evaluation.
    @usableFromInline
    static func writeLine(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(2, base + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
