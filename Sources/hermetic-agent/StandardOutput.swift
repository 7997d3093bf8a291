#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw bytes to the agent's stdout (a resource, a decrypted value), written whole; FoundationEssentials has no
/// `FileHandle`.
enum StandardOutput {
    static func write(_ bytes: some Collection<UInt8>) {
        fflush(nil)
        let bytes = Array(bytes)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress.map { $0 + done }, bytes.count - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            done += n
        }
    }
}
