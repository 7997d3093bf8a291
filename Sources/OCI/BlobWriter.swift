import Crypto
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

/// Writes one blob into a layout under a temporary name, hashing as it goes; ``finish()`` moves it to its content
/// address. A writer dropped before ``finish()`` removes its temporary file, so no partial blob is ever visible.
public final class BlobWriter {
    private let stream: FileStream
    private let temporaryPath: String
    private let blobDirectory: String
    private var hasher = SHA256()
    private var count: Int64 = 0
    private var finished = false

    init(blobDirectory: String) throws {
        self.blobDirectory = blobDirectory
        temporaryPath = blobDirectory + "/.partial-" + UUID().uuidString
        stream = try FileStream.create(temporaryPath)
    }

    deinit {
        if !finished { unlink(temporaryPath) }
    }

    /// Appends bytes.
    ///
    /// - Throws: ``OCIError`` `.io` on a write error.
    public func write(_ bytes: some ContiguousBytes) throws {
        try bytes.withUnsafeBytes { buffer in
            hasher.update(bufferPointer: buffer)
            count += Int64(buffer.count)
            try stream.write(buffer)
        }
    }

    /// Renames the file to `blobs/sha256/<digest>` (optionally syncing it to stable storage first).
    ///
    /// Without `sync` the blob is complete and atomically visible to other processes, but a power loss may lose it:
    /// what skopeo and umoci do too, and it keeps layer writes at page-cache speed.
    ///
    /// - Returns: the digest and size of what was written.
    /// - Throws: ``OCIError`` `.io` when the file cannot be synced or moved.
    public func finish(sync: Bool = false) throws -> (digest: Digest, size: Int64) {
        let digest = Digest(hasher.finalize())
        if sync { try stream.sync() }
        guard rename(temporaryPath, blobDirectory + "/" + digest.hex) == 0 else {
            throw OCIError(.io, "cannot move the blob into place: \(String(cString: strerror(errno)))")
        }
        finished = true
        return (digest, count)
    }
}
