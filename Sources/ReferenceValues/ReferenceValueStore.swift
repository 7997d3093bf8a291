import Foundation
import HermeticCore

/// A reference value store in one JSON file: `{"format": "hermetic-reference-values-store/1",
/// "reference_values": [...]}`, one entry per id, written atomically on every change.
///
/// The file holds values and their provenance, never secrets. One process writes it at a time (the CLI); the key
/// broker keeps its reference values in its own database.
public struct ReferenceValueStore: Sendable {
    /// The store file's format name.
    public static let format = "hermetic-reference-values-store/1"

    /// The file path.
    public let path: String
    /// The values, sorted by id.
    public private(set) var values: [ReferenceValue]

    /// Opens the store at `path`; a missing file is an empty store (created on the first write).
    /// - Throws: ``ReferenceValueError`` `.store` when the file exists but is not a store.
    public init(path: String) throws(ReferenceValueError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            values = []
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReferenceValueError(.store, "cannot read the reference value store \(path)")
        }
        do {
            let file = try JSONDecoder().decode(StoreFile.self, from: data)
            guard file.format == Self.format else {
                throw ReferenceValueError(.store, "\(path) is a \(file.format) file, not \(Self.format)")
            }
            values = file.referenceValues.sorted { $0.id < $1.id }
        } catch let error as ReferenceValueError {
            throw error
        } catch {
            throw ReferenceValueError(.store, "\(path) is not a reference value store: \(error)")
        }
    }

    /// The value stored under `id`, expired or not.
    public func value(id: String) -> ReferenceValue? { values.first { $0.id == id } }

    /// Adds values, replacing any with the same id, and writes the file.
    public mutating func add(_ added: [ReferenceValue]) throws(ReferenceValueError) {
        var table = Dictionary(values.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        for value in added { table[value.id] = value }
        values = table.values.sorted { $0.id < $1.id }
        try save()
    }

    /// Deletes the value `id` and writes the file.
    /// - Throws: ``ReferenceValueError`` `.notFound` when there is none.
    public mutating func delete(id: String) throws(ReferenceValueError) {
        guard values.contains(where: { $0.id == id }) else {
            throw ReferenceValueError(.notFound, "no reference value \(id) in \(path)")
        }
        values.removeAll { $0.id == id }
        try save()
    }

    /// The values as a lookup for policies at `time`.
    public func snapshot(at time: Date) -> ReferenceValueSnapshot { ReferenceValueSnapshot(values, at: time) }

    private func save() throws(ReferenceValueError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(StoreFile(format: Self.format, referenceValues: values))
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ReferenceValueError(.store, "cannot write the reference value store \(path): \(error.localizedDescription)")
        }
    }

    private struct StoreFile: Codable {
        var format: String
        var referenceValues: [ReferenceValue]

        enum CodingKeys: String, CodingKey {
            case format
            case referenceValues = "reference_values"
        }
    }
}
