#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// A JWE protected header, serialised the way CoCo guests re-serialise it to compute the AAD.
///
/// The guest (kbs-types `ProtectedHeader::generate_aad`) does not authenticate the `protected` string it received:
/// it decodes it into `{alg, enc, other members}` and writes it back as `alg`, `enc`, then the other members in
/// sorted key order (nested objects sorted too), compact. A broker must emit exactly these bytes, or the guest's GCM
/// tag check fails; ``serialized()`` is that form.
public struct ProtectedHeader: Sendable, Hashable {
    /// `alg`, as written.
    public var algorithm: String
    /// `enc`, as written.
    public var encryption: String
    /// Every other member (`epk`, `kid`, ...).
    public var otherMembers: [String: JSONValue]

    /// Creates a header.
    public init(algorithm: String, encryption: String, otherMembers: [String: JSONValue] = [:]) {
        self.algorithm = algorithm
        self.encryption = encryption
        self.otherMembers = otherMembers
    }

    /// Reads a header from its JSON text.
    ///
    /// - Throws: ``JOSEError`` `.malformed` when the text is not a JSON object with string `alg` and `enc`.
    public init(json: [UInt8]) throws {
        guard let value = try? JSONValue(parsing: json), case .object(var members) = value else {
            throw JOSEError(.malformed, "protected header is not a JSON object")
        }
        guard let alg = members.removeValue(forKey: "alg")?.stringValue else {
            throw JOSEError(.malformed, "protected header has no \"alg\" string")
        }
        guard let enc = members.removeValue(forKey: "enc")?.stringValue else {
            throw JOSEError(.malformed, "protected header has no \"enc\" string")
        }
        self.init(algorithm: alg, encryption: enc, otherMembers: members)
    }

    /// Reads a header from its base64url encoding (the JWE `protected` member).
    ///
    /// - Throws: ``JOSEError`` `.malformed` when the text is not base64url of a valid header.
    public init(encoded: String) throws {
        guard let bytes = Base64.decode(encoded) else {
            throw JOSEError(.malformed, "protected header is not base64url")
        }
        try self.init(json: bytes)
    }

    /// The compact JSON text: `alg`, `enc`, then the other members sorted by key.
    public func serialized() -> String {
        var text = "{\"alg\":" + JSONValue.string(algorithm).serialized() + ",\"enc\":" + JSONValue.string(encryption).serialized()
        for key in otherMembers.keys.sorted() {
            guard let value = otherMembers[key] else { continue }
            text += "," + JSONValue.string(key).serialized() + ":" + value.serialized()
        }
        return text + "}"
    }

    /// The base64url (no padding) of ``serialized()``: the `protected` member and, as ASCII, the GCM AAD.
    public var encoded: String { Base64.encodeURL(Array(serialized().utf8)) }
}
