import HermeticCore

extension EventDetails {
    /// Everything `eventlog show` reads out of an event: Trustee's ``details(of:)``, plus the `EV_NO_ACTION`
    /// headers (Spec ID, SP800-155 reference manifest, StartupLocality), separators and GPT partition tables.
    public static func extended(of event: TCGEvent) -> JSONValue {
        switch event.type {
        case TCGEvent.noAction: return noAction(event.data)
        case 0x4:
            return .object(["value": .string(Hex.encode(event.data)),
                            "error": .bool(event.data == [0xFF, 0xFF, 0xFF, 0xFF] || event.data == [0x01, 0x00, 0x00, 0x00])])
        case 0x8000_0006: return gpt(event.data) ?? .object([:])
        default: return details(of: event)
        }
    }

    private static func noAction(_ data: [UInt8]) -> JSONValue {
        let signature = Array(data.prefix(16))
        if signature == Array("Spec ID Event03\0".utf8) {
            var cursor = LogCursor(data, from: 16)
            guard let platformClass = try? cursor.u32("platform class"), let minor = try? cursor.u8("minor"),
                  let major = try? cursor.u8("major"), let errata = try? cursor.u8("errata"), let uintnSize = try? cursor.u8("uintn size"),
                  let count = try? cursor.u32("algorithm count"), count <= 32 else { return .object(["signature": .string("Spec ID Event03")]) }
            var algorithms: [JSONValue] = []
            for _ in 0..<count {
                guard let algorithm = try? cursor.u16("algorithm"), let size = try? cursor.u16("size") else { break }
                algorithms.append(.object(["alg": .string(TCGEvent.algorithmName(algorithm)), "digest_size": .int(Int64(size))]))
            }
            return .object([
                "signature": .string("Spec ID Event03"), "platform_class": .int(Int64(platformClass)),
                "spec_version": .string("\(major).\(minor).\(errata)"), "uintn_size": .int(Int64(uintnSize)),
                "algorithms": .array(algorithms),
            ])
        }
        if data.starts(with: Array("StartupLocality\0".utf8)), data.count == 17, let locality = data.last {
            return .object(["signature": .string("StartupLocality"), "startup_locality": .int(Int64(locality))])
        }
        if data.starts(with: Array("SP800-155 Event".utf8)) {
            // TCG_Sp800_155_PlatformId_Event(2/3): signature, vendor ID, reference manifest GUID, then
            // length-prefixed strings (manufacturer, model, version, ...).
            let name = String(decoding: data.prefix(16).prefix { $0 != 0 }, as: UTF8.self)
            var cursor = LogCursor(data, from: 16)
            var result: [String: JSONValue] = ["signature": .string(name)]
            if let vendor = try? cursor.u32("vendor id"), let guid = try? cursor.take(16, "manifest guid") {
                result["platform_manufacturer_id"] = .int(Int64(vendor))
                result["reference_manifest_guid"] = .string(Hex.encode(guid))
                var strings: [JSONValue] = []
                while cursor.remaining > 0, let length = try? cursor.u8("length"), let text = try? cursor.take(Int(length), "text") {
                    strings.append(.string(String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)))
                    if strings.count >= 8 { break }
                }
                result["strings"] = .array(strings)
            }
            result["data"] = .string(Base64.encode(data))
            return .object(result)
        }
        let printable = data.prefix { $0 != 0 }
        if !printable.isEmpty, printable.allSatisfy({ (0x20..<0x7F).contains($0) }) {
            return .object(["signature": .string(String(decoding: printable, as: UTF8.self))])
        }
        return .object([:])
    }

    /// `UEFI_GPT_DATA`: the 92-byte partition table header, a u64 partition count, then the entries.
    private static func gpt(_ data: [UInt8]) -> JSONValue? {
        var cursor = LogCursor(data)
        guard let signature = try? cursor.take(8, "signature"), signature == Array("EFI PART".utf8),
              (try? cursor.take(48, "header fields")) != nil, let diskGUID = try? cursor.take(16, "disk guid"),
              (try? cursor.take(8, "entry lba")) != nil, (try? cursor.u32("entry count")) != nil,
              let entrySize = try? cursor.u32("entry size"), (try? cursor.u32("entry crc")) != nil,
              let count = try? cursor.u64("partition count"), entrySize >= 128, count <= 1024
        else { return nil }
        var partitions: [JSONValue] = []
        for _ in 0..<count {
            guard let entry = try? cursor.take(Int(entrySize), "partition entry") else { return nil }
            var inner = LogCursor(entry)
            guard let type = try? inner.take(16, "type"), let unique = try? inner.take(16, "unique"),
                  let first = try? inner.u64("first lba"), let last = try? inner.u64("last lba"),
                  let attributes = try? inner.u64("attributes"), let name = try? inner.take(72, "name") else { return nil }
            let units = stride(from: 0, to: name.count, by: 2).map { UInt16(name[$0]) | UInt16(name[$0 + 1]) << 8 }
            partitions.append(.object([
                "type_guid": .string(guidText(type)), "unique_guid": .string(guidText(unique)),
                "first_lba": .int(Int64(truncatingIfNeeded: first)), "last_lba": .int(Int64(truncatingIfNeeded: last)),
                "attributes": .string(String(attributes, radix: 16)),
                "name": .string(String(decoding: units.prefix { $0 != 0 }, as: UTF16.self)),
            ]))
        }
        return .object(["disk_guid": .string(guidText(diskGUID)), "partitions": .array(partitions)])
    }

    /// An EFI GUID in its text form (first three fields little-endian), upper case.
    static func guidText(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return Hex.encode(bytes) }
        let parts = [Array(bytes[0..<4].reversed()), Array(bytes[4..<6].reversed()), Array(bytes[6..<8].reversed()),
                     Array(bytes[8..<10]), Array(bytes[10..<16])]
        return parts.map { Hex.encode($0).uppercased() }.joined(separator: "-")
    }
}
