import CZlib

/// A streaming gzip decoder on the system zlib (no Swift package here decompresses): feed compressed chunks, get
/// decompressed bytes; concatenated members are accepted, as `gzip -d` does.
final class Gunzip {
    private var stream = z_stream()
    private var ended = false

    init() throws {
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw UnpackError(.malformed, "zlib could not start (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    /// Decompresses `input`, calling `output` with each piece.
    func feed(_ input: [UInt8], _ output: ([UInt8]) throws -> Void) throws {
        var input = input
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        try input.withUnsafeMutableBufferPointer { inPointer in
            stream.next_in = inPointer.baseAddress
            stream.avail_in = UInt32(inPointer.count)
            while stream.avail_in > 0 {
                if ended {
                    // Another gzip member follows.
                    guard inflateReset(&stream) == Z_OK else { throw UnpackError(.malformed, "zlib could not reset") }
                    ended = false
                }
                let produced = try buffer.withUnsafeMutableBufferPointer { outPointer -> Int in
                    stream.next_out = outPointer.baseAddress
                    stream.avail_out = UInt32(outPointer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    switch status {
                    case Z_OK, Z_BUF_ERROR: break
                    case Z_STREAM_END: ended = true
                    default: throw UnpackError(.malformed, "the layer is not valid gzip (zlib \(status))")
                    }
                    return outPointer.count - Int(stream.avail_out)
                }
                if produced > 0 { try output(Array(buffer[0..<produced])) }
                if produced == 0 && !ended && stream.avail_in > 0 && stream.avail_out > 0 {
                    throw UnpackError(.malformed, "the gzip stream makes no progress")
                }
            }
        }
    }

    /// Whether the last member ended cleanly.
    var finished: Bool { ended }
}
