import Crypto

/// Reads one blob in fixed-size chunks, hashing as it goes; after the last chunk the size and SHA-256 digest must
/// equal the descriptor's, or the read fails. Constant memory whatever the blob size.
public struct BlobReader: ~Copyable {
    /// The chunk size: every chunk but the last is exactly this long.
    public static let defaultChunkSize = 1 << 20

    private let stream: FileStream
    private let expected: Digest
    private let expectedSize: Int64
    private let chunkSize: Int
    private let verifyDigest: Bool
    private var hasher = SHA256()
    private var count: Int64 = 0
    private var finished = false

    init(stream: FileStream, expected: Digest, size: Int64, chunkSize: Int, verifyDigest: Bool = true) {
        self.verifyDigest = verifyDigest
        self.stream = stream
        self.expected = expected
        self.expectedSize = size
        self.chunkSize = chunkSize
    }

    /// The next chunk (full length except the last), or `nil` once the blob is read and verified.
    ///
    /// - Throws: ``OCIError`` `.digestMismatch` when the content does not match the descriptor's size or digest
    ///   (after the last chunk, or as soon as the blob is longer than stated), `.io` on a read error.
    public mutating func next() throws -> [UInt8]? {
        if finished { return nil }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let stream = self.stream
        let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
        count += Int64(n)
        guard count <= expectedSize else {
            throw OCIError(.digestMismatch, "blob \(expected) is longer than its descriptor's \(expectedSize) bytes")
        }
        if n < chunkSize {
            chunk.removeLast(chunkSize - n)
            if verifyDigest { hasher.update(data: chunk) }
            try verify()
            finished = true
            return chunk.isEmpty ? nil : chunk
        }
        if verifyDigest { hasher.update(data: chunk) }
        return chunk
    }

    private func verify() throws {
        guard count == expectedSize else {
            throw OCIError(.digestMismatch, "blob \(expected) has \(count) bytes, its descriptor says \(expectedSize)")
        }
        guard verifyDigest else { return }
        let actual = Digest(hasher.finalize())
        guard actual == expected else {
            throw OCIError(.digestMismatch, "blob \(expected) does not match its digest (content hashes to \(actual))")
        }
    }
}
