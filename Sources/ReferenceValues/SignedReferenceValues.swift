import Foundation
import HermeticCore

/// Hermetic's signed reference value document: a JSON payload and a detached signature by a key the tenant
/// configures (Ed25519, ECDSA P-256 or P-384).
///
/// ```json
/// {"format": "hermetic-reference-values/1", "algorithm": "Ed25519",
///  "payload": "<base64url of the payload JSON bytes>", "signature": "<base64url; ECDSA as raw r‖s>"}
/// ```
/// The payload: `{"issuer": "...", "issued_at": "<RFC 3339>", "reference_values": [{"id": "...", "value": ...,
/// "expires": "<RFC 3339>", "inputs": {...}}]}`. The signature covers the payload bytes exactly as encoded.
public struct SignedReferenceValues: Sendable {
    /// The document format name.
    public static let format = "hermetic-reference-values/1"

    /// The issuer the payload names.
    public let issuer: String
    /// When the payload says it was issued.
    public let issuedAt: Date
    /// The reference values, with provenance naming the issuer, the key that verified them and their inputs.
    public let referenceValues: [ReferenceValue]

    /// Verifies and reads a signed document.
    /// - Parameters:
    ///   - json: the document.
    ///   - keys: the tenant's keys; one must verify the signature.
    ///   - time: when the store accepts the values (their provenance's `added_at`).
    /// - Throws: ``ReferenceValueError``: `.signature` when no key verifies it (nothing of the payload is read
    ///   before that), `.malformed` naming the field otherwise.
    public init(json: [UInt8], keys: [ReferenceValueVerificationKey], at time: Date) throws(ReferenceValueError) {
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: Data(json)), let object = document.objectValue else {
            throw ReferenceValueError(.malformed, "the signed reference value document is not a JSON object")
        }
        guard object["format"]?.stringValue == Self.format else {
            throw ReferenceValueError(.malformed, "the document's format is not \(Self.format)")
        }
        guard let payloadText = object["payload"]?.stringValue, let payload = Base64.decode(payloadText) else {
            throw ReferenceValueError(.malformed, "the document has no base64url `payload`")
        }
        guard let signatureText = object["signature"]?.stringValue, let signature = Base64.decode(signatureText) else {
            throw ReferenceValueError(.malformed, "the document has no base64url `signature`")
        }
        let algorithm = object["algorithm"]?.stringValue
        guard let signer = keys.first(where: { $0.algorithm == algorithm && $0.isValidSignature(signature, for: payload) }) else {
            throw ReferenceValueError(.signature, "the signature (\(algorithm ?? "no algorithm")) does not verify with any of the \(keys.count) configured key(s)")
        }
        guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(payload)), let fields = body.objectValue else {
            throw ReferenceValueError(.malformed, "the signed payload is not a JSON object")
        }
        guard let issuer = fields["issuer"]?.stringValue else { throw ReferenceValueError(.malformed, "the payload has no `issuer`") }
        guard let issuedText = fields["issued_at"]?.stringValue, let issuedAt = RFC3339.date(issuedText) else {
            throw ReferenceValueError(.time, "the payload's `issued_at` is missing or not RFC 3339")
        }
        guard let entries = fields["reference_values"]?.arrayValue else {
            throw ReferenceValueError(.malformed, "the payload has no `reference_values` array")
        }
        var values: [ReferenceValue] = []
        for (index, entry) in entries.enumerated() {
            guard let id = entry["id"]?.stringValue, !id.isEmpty else { throw ReferenceValueError(.malformed, "reference_values[\(index)] has no `id`") }
            guard let value = entry["value"] else { throw ReferenceValueError(.malformed, "reference_values[\(index)] (\(id)) has no `value`") }
            var expires: Date?
            if let text = entry["expires"]?.stringValue {
                guard let date = RFC3339.date(text) else { throw ReferenceValueError(.time, "reference_values[\(index)] (\(id)): expires \(text) is not RFC 3339") }
                expires = date
            }
            var inputs = entry["inputs"]
            if inputs == .null { inputs = nil }
            values.append(ReferenceValue(
                id: id, value: value, expires: expires,
                provenance: Provenance(source: .signed, issuer: "\(issuer) (key sha256:\(signer.fingerprint.prefix(16)))", inputs: inputs, addedAt: time)
            ))
        }
        self.issuer = issuer
        self.issuedAt = issuedAt
        referenceValues = values
    }

    /// Signs `values` as `issuer` at `time`: the document as JSON text.
    public static func sign(_ values: [ReferenceValue], issuer: String, at time: Date, with key: ReferenceValueSigningKey) throws(ReferenceValueError) -> String {
        let entries: [JSONValue] = values.map { value in
            var entry: [String: JSONValue] = ["id": .string(value.id), "value": value.value]
            if let expires = value.expires { entry["expires"] = .string(Timestamp.text(expires)) }
            if let inputs = value.provenance.inputs { entry["inputs"] = inputs }
            return .object(entry)
        }
        let payload = Array(JSONValue.object([
            "issuer": .string(issuer), "issued_at": .string(Timestamp.text(time)), "reference_values": .array(entries),
        ]).canonicalJSON().utf8)
        let signature = try key.signature(for: payload)
        return JSONValue.object([
            "format": .string(format), "algorithm": .string(key.algorithm),
            "payload": .string(Base64.encodeURL(payload)), "signature": .string(Base64.encodeURL(signature)),
        ]).serialized(pretty: true)
    }
}
