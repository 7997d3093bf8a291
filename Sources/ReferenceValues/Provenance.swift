import Foundation
import HermeticCore

/// Where a reference value came from: who vouched for it and from what inputs.
public struct Provenance: Sendable, Hashable, Codable {
    /// How the value entered the store.
    public enum Source: String, Sendable, Hashable, Codable {
        /// A Trustee RVPS message of type `sample` (unsigned: the operator vouches for it).
        case rvpsSample = "rvps-sample"
        /// Hermetic's signed document, verified with a configured key.
        case signed
        /// Added directly by an operator (`hermetic rv add`).
        case manual
    }

    /// How the value entered the store.
    public var source: Source
    /// Who vouches for it: the signer key's fingerprint for signed documents, the operator's label otherwise.
    public var issuer: String?
    /// The inputs the value was computed from (firmware file and digest, vCPUs, ...), as given.
    public var inputs: JSONValue?
    /// When the store accepted it.
    public var addedAt: Date

    /// A provenance record.
    public init(source: Source, issuer: String? = nil, inputs: JSONValue? = nil, addedAt: Date) {
        self.source = source
        self.issuer = issuer
        self.inputs = inputs
        self.addedAt = addedAt
    }

    enum CodingKeys: String, CodingKey {
        case source, issuer, inputs
        case addedAt = "added_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.decode(Source.self, forKey: .source)
        issuer = try container.decodeIfPresent(String.self, forKey: .issuer)
        inputs = try container.decodeIfPresent(JSONValue.self, forKey: .inputs)
        let text = try container.decode(String.self, forKey: .addedAt)
        guard let date = RFC3339.date(text) else {
            throw DecodingError.dataCorruptedError(forKey: .addedAt, in: container, debugDescription: "added_at \(text) is not RFC 3339")
        }
        addedAt = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(issuer, forKey: .issuer)
        try container.encodeIfPresent(inputs, forKey: .inputs)
        try container.encode(Timestamp.text(addedAt), forKey: .addedAt)
    }
}

/// RFC 3339 times as reference value documents write them (`2026-11-21T00:00:00Z`, fractions allowed).
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
