import Foundation
import HermeticCore

extension ReferenceValue {
    /// The value as `rv get` and the broker's `GET /kbs/v0/reference-value/<id>` show it: `id`, `value`, `expires`
    /// (RFC 3339 or `null`), `expired` (judged at `time`) and `provenance` (`source`, `issuer`, `inputs`,
    /// `added_at`). ``init(listing:)`` reads it back, so expiry and provenance survive a trip through the broker.
    public func listing(at time: Date) -> JSONValue {
        var record: [String: JSONValue] = [
            "source": .string(provenance.source.rawValue), "added_at": .string(Timestamp.text(provenance.addedAt)),
        ]
        if let issuer = provenance.issuer { record["issuer"] = .string(issuer) }
        if let inputs = provenance.inputs { record["inputs"] = inputs }
        return .object([
            "id": .string(id), "value": value,
            "expires": expires.map { .string(Timestamp.text($0)) } ?? .null,
            "expired": .bool(isExpired(at: time)), "provenance": .object(record),
        ])
    }

    /// Reads a value back from its ``listing(at:)`` form (`expired` is ignored: it is judged again by the reader).
    /// - Throws: ``ReferenceValueError`` `.malformed` naming the field that is missing or wrong.
    public init(listing: JSONValue) throws(ReferenceValueError) {
        guard let id = listing["id"]?.stringValue, !id.isEmpty else { throw ReferenceValueError(.malformed, "the listed reference value has no `id`") }
        guard let value = listing["value"] else { throw ReferenceValueError(.malformed, "the listed reference value \(id) has no `value`") }
        var expires: Date?
        if let text = listing["expires"]?.stringValue {
            guard let date = RFC3339.date(text) else { throw ReferenceValueError(.time, "\(id): expires \(text) is not RFC 3339") }
            expires = date
        }
        guard let record = listing["provenance"], let sourceText = record["source"]?.stringValue,
              let source = Provenance.Source(rawValue: sourceText) else {
            throw ReferenceValueError(.malformed, "the listed reference value \(id) has no known `provenance.source`")
        }
        guard let addedText = record["added_at"]?.stringValue, let addedAt = RFC3339.date(addedText) else {
            throw ReferenceValueError(.time, "\(id): provenance.added_at is missing or not RFC 3339")
        }
        var inputs = record["inputs"]
        if inputs == .null { inputs = nil }
        self.init(id: id, value: value, expires: expires,
                  provenance: Provenance(source: source, issuer: record["issuer"]?.stringValue, inputs: inputs, addedAt: addedAt))
    }
}
