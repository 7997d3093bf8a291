import CZlib

/// gzip (RFC 1952) compression on the system zlib: one member, header time zero, so the same input always gives
/// the same bytes.
public enum GzipWriter {
    /// `bytes` compressed at `level` (1 fastest … 9 smallest).
    ///
    /// - Throws: ``SandboxError/Code/image`` when zlib refuses (out of memory, a bad level) or the input exceeds 4 GiB.
    public static func compress(_ bytes: [UInt8], level: Int32 = 1) throws(SandboxError) -> [UInt8] {
        guard bytes.count < Int(UInt32.max) else { throw SandboxError(.image, "\(bytes.count) bytes is too large for one gzip call") }
        var stream = z_stream()
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw SandboxError(.image, "zlib could not start deflate (\(status))") }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(Int(deflateBound(&stream, UInt(bytes.count))))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var input = bytes
        let result: Int32 = input.withUnsafeMutableBufferPointer { inPointer in
            stream.next_in = inPointer.baseAddress
            stream.avail_in = UInt32(inPointer.count)
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { outPointer -> (Int32, Int) in
                    stream.next_out = outPointer.baseAddress
                    stream.avail_out = UInt32(outPointer.count)
                    let code = deflate(&stream, Z_FINISH)
                    return (code, outPointer.count - Int(stream.avail_out))
                }
                output += chunk[0..<produced]
                if code == Z_STREAM_END { return Z_OK }
                if code != Z_OK && code != Z_BUF_ERROR { return code }
            }
        }
        guard result == Z_OK else { throw SandboxError(.image, "zlib deflate failed (\(result))") }
        return output
    }
}
