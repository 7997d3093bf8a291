import Foundation
import HermeticCore

/// A Trustee RVPS message: `{"version": "0.1.0", "type": "sample", "payload": "<base64>"}`.
///
/// For type `sample` the payload is standard base64 of a JSON object from reference value name to value (usually a
/// list of accepted values). Trustee's sample extractor gives every value an expiry 12 months ahead and verifies no
/// signature; Hermetic records the provenance as `rvps-sample` so that listings show it was unsigned.
public struct RVPSMessage: Sendable, Hashable {
    /// The message version (`0.1.0`).
    public let version: String
    /// The provenance type (`sample`).
    public let type: String
    /// The decoded payload: name → value.
    public let values: [String: JSONValue]

    /// How long Trustee keeps a sample reference value: 12 months.
    public static let defaultLifetimeMonths = 12

    /// Reads a message.
    /// - Throws: ``ReferenceValueError`` `.malformed` naming the field, or `.unsupportedType` for other provenance types.
    public init(json: [UInt8]) throws(ReferenceValueError) {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: Data(json))
        } catch {
            throw ReferenceValueError(.malformed, "the RVPS message is not JSON")
        }
        guard let object = document.objectValue else { throw ReferenceValueError(.malformed, "the RVPS message is not a JSON object") }
        guard let type = object["type"]?.stringValue else { throw ReferenceValueError(.malformed, "the RVPS message has no string `type`") }
        guard let payload = object["payload"]?.stringValue else { throw ReferenceValueError(.malformed, "the RVPS message has no string `payload`") }
        version = object["version"]?.stringValue ?? "0.1.0"
        self.type = type
        guard type == "sample" else {
            throw ReferenceValueError(.unsupportedType, "RVPS provenance type \"\(type)\" is not supported (Hermetic ingests `sample` and its own signed documents)")
        }
        guard let bytes = Base64.decode(payload) else { throw ReferenceValueError(.malformed, "the RVPS sample payload is not base64") }
        guard let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), let table = decoded.objectValue else {
            throw ReferenceValueError(.malformed, "the RVPS sample payload is not a JSON object of name to values")
        }
        values = table
    }

    /// The reference values of the message, accepted at `time`, expiring `lifetimeMonths` later.
    public func referenceValues(at time: Date, lifetimeMonths: Int = RVPSMessage.defaultLifetimeMonths, issuer: String? = nil) -> [ReferenceValue] {
        let expires = Calendar(identifier: .gregorian).date(byAdding: .month, value: lifetimeMonths, to: time, wrappingComponents: false)
        return values.keys.sorted().compactMap { id in
            guard let value = values[id] else { return nil }
            return ReferenceValue(id: id, value: value, expires: expires,
                                  provenance: Provenance(source: .rvpsSample, issuer: issuer, inputs: nil, addedAt: time))
        }
    }

    /// A `sample` message for `values`, as `rvps-tool register` sends it.
    public static func sample(_ values: [String: JSONValue]) -> String {
        let payload = JSONValue.object(values).canonicalJSON()
        return JSONValue.object([
            "version": .string("0.1.0"), "type": .string("sample"), "payload": .string(Base64.encode(Array(payload.utf8))),
        ]).canonicalJSON()
    }
}
