import Foundation
import HermeticCore

/// One reference value: an id the policies ask for, the value (usually a list of accepted values), when it
/// expires and where it came from.
public struct ReferenceValue: Sendable, Hashable, Codable {
    /// The id `query_reference_value(id)` asks for, e.g. `snp_launch_measurement`.
    public var id: String
    /// The value the policy receives.
    public var value: JSONValue
    /// After this time the value is not served (Trustee stores an expiration and never checks it; Hermetic does).
    public var expires: Date?
    /// Where it came from.
    public var provenance: Provenance

    /// A reference value.
    public init(id: String, value: JSONValue, expires: Date?, provenance: Provenance) {
        self.id = id
        self.value = value
        self.expires = expires
        self.provenance = provenance
    }

    /// Whether the value has expired at `time` (a value without an expiry never does).
    public func isExpired(at time: Date) -> Bool {
        guard let expires else { return false }
        return time > expires
    }

    enum CodingKeys: String, CodingKey {
        case id, value, expires, provenance
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        value = try container.decode(JSONValue.self, forKey: .value)
        provenance = try container.decode(Provenance.self, forKey: .provenance)
        if let text = try container.decodeIfPresent(String.self, forKey: .expires) {
            guard let date = RFC3339.date(text) else {
                throw DecodingError.dataCorruptedError(forKey: .expires, in: container, debugDescription: "expires \(text) is not RFC 3339")
            }
            expires = date
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(expires.map(Timestamp.text), forKey: .expires)
        try container.encode(provenance, forKey: .provenance)
    }
}
