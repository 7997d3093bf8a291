#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// The `details` Trustee's event log parser reads out of an event's data, for the event types whose data is text
/// or a UEFI variable.
///
/// Firmware blob and handoff table events give their description (a length byte, then the text with its
/// terminating NUL, which is dropped); text events (`EV_IPL`, `EV_EFI_ACTION`, `EV_POST_CODE`,
/// `EV_PLATFORM_CONFIG_FLAGS`) their data as UTF-8, or `""` when it is binary; UEFI variable events the variable's
/// GUID, name and data; `EV_EVENT_TAG` its text, and for AAEL entries the domain, operation and content; boot
/// services applications the nodes of their device path.
public enum EventDetails {
    /// The details as Trustee reads them (its `uefi_event_logs` claim).
    public static func details(of event: TCGEvent) -> JSONValue {
        let data = event.data
        switch event.type {
        case 0x8000_000A, 0x8000_000B:
            guard let length = data.first.map(Int.init), length >= 1, data.count >= length else { return .object([:]) }
            return string(String(decoding: data[1..<length], as: UTF8.self))
        case 0xA:
            return string(configurationText(data) ?? "")
        case 0x1, 0x5, 0xD, 0x8000_0007:
            return string(text(data) ?? "")
        case 0x8000_0001, 0x8000_0002, 0x8000_000C, 0x8000_00E0:
            return variable(data) ?? .object([:])
        case 0x6:
            return tag(data) ?? .object([:])
        case 0x8000_0003:
            guard let paths = UEFIDevicePath.ofImageLoadEvent(data) else { return .object([:]) }
            return .object(["device_paths": .array(paths.map(JSONValue.string))])
        default:
            return .object([:])
        }
    }

    private static func string(_ text: String) -> JSONValue { .object(["string": .string(text)]) }

    /// The text up to the first NUL, or `nil` when it is not UTF-8.
    private static func text(_ bytes: [UInt8]) -> String? {
        String(validating: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Platform configuration flags: the text when the whole data is UTF-8; td-shim's `td_payload_info` (a 16-byte
    /// descriptor, a u32 length, the command line) reads as the descriptor and the command line.
    private static func configurationText(_ bytes: [UInt8]) -> String? {
        guard String(validating: bytes, as: UTF8.self) != nil, let first = text(bytes) else { return nil }
        let payloadInfo = "td_payload_info"
        if first == payloadInfo, bytes.count >= 20 {
            var cursor = LogCursor(bytes, from: 16)
            if let length = try? cursor.u32("length"), let line = try? cursor.take(Int(length), "command line") {
                return payloadInfo + " " + String(decoding: line.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return first
    }

    /// `UEFI_VARIABLE_DATA`: GUID (16) ‖ name length u64 ‖ data length u64 ‖ UTF-16LE name ‖ data.
    private static func variable(_ bytes: [UInt8]) -> JSONValue? {
        var cursor = LogCursor(bytes)
        guard let guid = try? cursor.take(16, "guid"), let nameLength = try? cursor.u64("name length"),
              let dataLength = try? cursor.u64("data length"), nameLength < 4096, dataLength <= UInt64(cursor.remaining),
              let name = try? cursor.take(Int(nameLength) * 2, "name"), let value = try? cursor.take(Int(dataLength), "data")
        else { return nil }
        let units = stride(from: 0, to: name.count, by: 2).map { UInt16(name[$0]) | UInt16(name[$0 + 1]) << 8 }
        let hex = Hex.encode(guid)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
        }
        return .object([
            "variable_name": .string(parts.joined(separator: "-")),
            "unicode_name_length": .int(Int64(nameLength)),
            "variable_data_length": .int(Int64(dataLength)),
            "unicode_name": .string(String(decoding: units, as: UTF16.self)),
            "variable_data": .string(Base64.encode(value)),
        ])
    }

    /// `TCG_PCClientTaggedEvent`: tag ID u32 ‖ size u32 ‖ data. AAEL entries ("AAEL" as the tag) hold
    /// `domain operation content`.
    private static func tag(_ bytes: [UInt8]) -> JSONValue? {
        var cursor = LogCursor(bytes)
        guard let id = try? cursor.take(4, "tag id"), let size = try? cursor.u32("tag size"),
              let data = try? cursor.take(Int(size), "tag data"), let text = text(data)
        else { return nil }
        guard id == Array("LEAA".utf8) else { return string(text) }
        let fields = text.split(separator: " ", maxSplits: 2).map(String.init)
        var details: [String: JSONValue] = ["unicode_name": .string("AAEL"), "string": .string(text)]
        if fields.count == 3 {
            let content = (try? JSONDecoder().decode(JSONValue.self, from: Data(fields[2].utf8))) ?? .string(fields[2])
            details["data"] = .object(["domain": .string(fields[0]), "operation": .string(fields[1]), "content": content])
        }
        return .object(details)
    }
}
