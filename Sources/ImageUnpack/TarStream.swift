/// A push parser for a tar stream: feed bytes in any pieces; entries go to the ``RootfsWriter`` as they complete,
/// file content streams through in the pieces it arrives in (constant memory).
struct TarStream {
    private enum State {
        case header
        case content(remaining: Int64, padding: Int)
        case metadata(TarHeader.Kind, size: Int, padding: Int)
        case end
    }

    private var state = State.header
    private var buffer: [UInt8] = []
    private var pendingName: String?
    private var pendingLink: String?
    private var pendingPAX: [String: String] = [:]
    private var zeroBlocks = 0
    /// The largest GNU long name or PAX header read into memory.
    static let metadataLimit = 1 << 20

    mutating func feed(_ bytes: [UInt8], into writer: RootfsWriter) throws {
        buffer += bytes
        var offset = 0
        defer { buffer.removeFirst(offset) }
        while true {
            switch state {
            case .end:
                offset = buffer.count
                return
            case .header:
                guard buffer.count - offset >= 512 else { return }
                let block = buffer[offset..<offset + 512]
                offset += 512
                if block.allSatisfy({ $0 == 0 }) {
                    zeroBlocks += 1
                    if zeroBlocks == 2 { state = .end }
                    continue
                }
                zeroBlocks = 0
                var header = try TarHeader(block: block)
                let padding = Int((512 - header.size % 512) % 512)
                switch header.kind {
                case .longName, .longLink, .paxExtended, .paxGlobal:
                    guard header.size <= Self.metadataLimit else { throw UnpackError(.malformed, "a tar metadata entry of \(header.size) bytes") }
                    state = .metadata(header.kind, size: Int(header.size), padding: padding)
                default:
                    if let name = pendingName { header.name = name }
                    if let link = pendingLink { header.linkName = link }
                    try header.apply(pax: pendingPAX)
                    pendingName = nil
                    pendingLink = nil
                    pendingPAX = [:]
                    let contentSize = header.kind == .file ? header.size : 0
                    try writer.begin(header)
                    let skip = header.kind == .file ? 0 : header.size
                    let trailing = Int((512 - (contentSize + skip) % 512) % 512)
                    state = .content(remaining: contentSize + skip, padding: trailing)
                }
            case .content(let remaining, let padding):
                if remaining > 0 {
                    let available = buffer.count - offset
                    guard available > 0 else { return }
                    let take = Int(min(Int64(available), remaining))
                    try writer.write(buffer[offset..<offset + take])
                    offset += take
                    state = .content(remaining: remaining - Int64(take), padding: padding)
                    continue
                }
                guard buffer.count - offset >= padding else { return }
                offset += padding
                try writer.finishEntry()
                state = .header
            case .metadata(let kind, let size, let padding):
                guard buffer.count - offset >= size + padding else { return }
                let content = Array(buffer[offset..<offset + size])
                offset += size + padding
                switch kind {
                case .longName: pendingName = TarHeader.string(content[...])
                case .longLink: pendingLink = TarHeader.string(content[...])
                case .paxExtended: pendingPAX.merge(try TarHeader.paxRecords(content)) { _, new in new }
                default: break
                }
                state = .header
            }
        }
    }

    /// Checks that the stream did not stop inside an entry.
    func finish() throws {
        switch state {
        case .header, .end: return
        default: throw UnpackError(.malformed, "the layer's tar stream ends inside an entry")
        }
    }
}
