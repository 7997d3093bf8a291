/// The protobuf wire format, only as far as go-tpm-tools' `attest.Attestation` needs: varints and
/// length-delimited fields, with every length checked.
struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The fields in order: (field number, value).
    static func fields(_ bytes: [UInt8], _ message: String) throws -> [(Int, Value)] {
        var reader = ProtobufReader(bytes)
        var result: [(Int, Value)] = []
        while reader.offset < bytes.count {
            let key = try reader.varint(message)
            let number = Int(truncatingIfNeeded: key >> 3)
            switch key & 7 {
            case 0: result.append((number, .varint(try reader.varint(message))))
            case 1: try reader.skip(8, message); result.append((number, .fixed))
            case 2:
                let length = try reader.varint(message)
                guard length <= UInt64(bytes.count - reader.offset) else {
                    throw TPMError(.malformedEvidence, "\(message): field \(number) declares \(length) bytes, \(bytes.count - reader.offset) remain")
                }
                let start = reader.offset
                reader.offset += Int(length)
                result.append((number, .bytes(Array(bytes[start..<reader.offset]))))
            case 5: try reader.skip(4, message); result.append((number, .fixed))
            default: throw TPMError(.malformedEvidence, "\(message): wire type \(key & 7) is not supported")
            }
        }
        return result
    }

    private mutating func varint(_ message: String) throws -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard offset < bytes.count else { throw TPMError(.malformedEvidence, "\(message): truncated varint") }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte < 0x80 { return result }
        }
        throw TPMError(.malformedEvidence, "\(message): varint longer than 10 bytes")
    }

    private mutating func skip(_ count: Int, _ message: String) throws {
        guard count <= bytes.count - offset else { throw TPMError(.malformedEvidence, "\(message): truncated fixed field") }
        offset += count
    }
}
