import HermeticCore

/// The certificate table that SNP_GET_EXT_REPORT returns beside a report (GHCB specification, "SNP Extended Guest
/// Request"): entries of `{GUID (16 bytes), offset (u32 LE), length (u32 LE)}` ended by an all-zero entry, with
/// offsets counted from the start of the table.
public struct CertificateTable: Sendable, Hashable {
    /// What a table entry holds.
    public enum EntryKind: String, Sendable, Hashable {
        case vcek = "VCEK"
        case vlek = "VLEK"
        case ask = "ASK"
        case ark = "ARK"
        case crl = "CRL"
        case other = "OTHER"

        static let guids: [(String, EntryKind)] = [
            ("63da758d-e664-4564-adc5-f4b93be8accd", .vcek),
            ("a8074bc2-a25a-483e-aae6-39c045a0b8a1", .vlek),
            ("4ab7b379-bbac-4fe4-a02f-05aef327c782", .ask),
            ("c0b406a4-a803-4952-9743-3fb6014cd0ae", .ark),
            ("92f81bc3-5811-4d3d-97ff-d19f88dc67ea", .crl),
        ]

        /// The kind a GUID names, read in either byte order (RFC 4122 or the mixed-endian EFI order).
        init(guid: [UInt8]) {
            let bigEndian = Hex.encode(guid)
            let mixed = Hex.encode(guid[0..<4].reversed() + guid[4..<6].reversed() + guid[6..<8].reversed() + guid[8...])
            let match = Self.guids.first { entry in
                let plain = entry.0.replacing("-", with: "")
                return plain == bigEndian || plain == mixed
            }
            self = match?.1 ?? .other
        }
    }

    /// One certificate or CRL from the table.
    public struct Entry: Sendable, Hashable {
        /// What the entry holds.
        public var kind: EntryKind
        /// The DER bytes.
        public var der: [UInt8]

        /// Creates an entry.
        public init(kind: EntryKind, der: [UInt8]) {
            self.kind = kind
            self.der = der
        }
    }

    /// The entries in table order.
    public var entries: [Entry]

    /// Creates a table.
    public init(entries: [Entry]) { self.entries = entries }

    /// Parses a table.
    ///
    /// - Throws: ``SNPError`` `.malformedEvidence` when an entry points outside the data or the terminator is
    ///   missing.
    public init(bytes: [UInt8]) throws {
        var entries: [Entry] = []
        var offset = 0
        while true {
            guard offset + 24 <= bytes.count else {
                throw SNPError(.malformedEvidence, "certificate table ends at byte \(bytes.count) without its zero terminator")
            }
            let header = Array(bytes[offset..<offset + 24])
            if header.allSatisfy({ $0 == 0 }) { break }
            let reader = ByteReader(bytes: header)
            let start = Int(reader.u32(16))
            let length = Int(reader.u32(20))
            guard start <= bytes.count, length <= bytes.count - start else {
                throw SNPError(.malformedEvidence, "certificate table entry \(entries.count) spans [\(start), \(start + length)) outside the \(bytes.count)-byte table")
            }
            entries.append(Entry(kind: EntryKind(guid: Array(header[0..<16])), der: Array(bytes[start..<start + length])))
            offset += 24
        }
        self.entries = entries
    }
}
