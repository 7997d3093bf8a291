import Foundation
import HermeticCore

/// Reference values as the key broker keeps them in its database: one JSON text per id holding the value, its
/// expiry and provenance, so the broker can enforce expiry at every attestation as the local store does.
///
/// Texts written before the broker kept provenance are plain JSON values; they read back as values without expiry.
public enum StoredReferenceValue {
    /// The text to store for `value`.
    public static func encode(_ value: ReferenceValue) throws(ReferenceValueError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw ReferenceValueError(.store, "reference value \(value.id) cannot be encoded")
        }
    }

    /// The reference value a stored text holds: a full record, or (for a plain JSON value) a manual value without
    /// expiry. `nil` when the text is not JSON.
    public static func decode(id: String, json: String, addedAt: Date = Date(timeIntervalSince1970: 0)) -> ReferenceValue? {
        let data = Data(json.utf8)
        if let record = try? JSONDecoder().decode(ReferenceValue.self, from: data), record.id == id { return record }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        return ReferenceValue(id: id, value: value, expires: nil, provenance: Provenance(source: .manual, addedAt: addedAt))
    }
}
