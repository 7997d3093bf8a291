import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// A Confidential Containers sealed secret: `sealed.<b64url header>.<b64url payload>.<b64url signature>`, a JWS
/// (ES256, `kid` naming the verification key) whose payload says where the secret is: `vault` (a KBS resource) or
/// `envelope` (data encrypted under a key a KMS unwraps).
public struct SealedSecret: Sendable, Hashable {
    /// Where the secret is.
    public enum Content: Sendable, Hashable {
        /// The secret is the resource the URI names.
        case vault(ResourceURI)
        /// The secret is `encryptedData`, under a data key that `provider` unwraps.
        case envelope(Envelope)
    }

    /// An envelope's fields (base64 decoded).
    public struct Envelope: Sendable, Hashable {
        /// The KMS key id.
        public var keyID: String
        /// The wrapped data key.
        public var encryptedKey: [UInt8]
        /// The ciphertext with its 16-byte GCM tag appended.
        public var encryptedData: [UInt8]
        /// `A256GCM` (the only wrap type read here).
        public var wrapType: String
        /// The 12-byte IV.
        public var iv: [UInt8]
    }

    /// The payload version this client reads.
    public static let version = "0.1.0"

    /// The JWS header's `alg`.
    public let algorithm: String
    /// The JWS header's `kid`: a `kbs://` URI or a local credential name.
    public let keyID: String
    /// `provider` (`kbs` for vault secrets).
    public let provider: String
    /// `provider_settings`, as given.
    public let providerSettings: JSONValue
    /// `annotations`, as given.
    public let annotations: JSONValue
    /// Where the secret is.
    public let content: Content
    private let signingInput: [UInt8]
    private let signature: [UInt8]

    /// Parses the wire string; the signature is checked by ``verify(publicJWK:)``.
    ///
    /// - Throws: ``SealedSecretError`` naming the part that does not parse, or `version` for another payload version.
    public init(_ text: String) throws(SealedSecretError) {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "sealed" else {
            throw SealedSecretError(.malformed, "not sealed.<header>.<payload>.<signature> (\(parts.count) dot-separated parts)")
        }
        func decode(_ part: Substring, _ name: String) throws(SealedSecretError) -> [UInt8] {
            guard let bytes = Base64.decode(part) else { throw SealedSecretError(.malformed, "the \(name) is not base64url") }
            return bytes
        }
        func json(_ bytes: [UInt8], _ name: String) throws(SealedSecretError) -> JSONValue {
            guard let value = try? JSONValue(parsing: bytes), value.objectValue != nil else {
                throw SealedSecretError(.malformed, "the \(name) is not a JSON object")
            }
            return value
        }
        let header = try json(try decode(parts[1], "header"), "header")
        let payload = try json(try decode(parts[2], "payload"), "payload")
        signature = try decode(parts[3], "signature")
        signingInput = Array("\(parts[1]).\(parts[2])".utf8)
        algorithm = header["alg"]?.stringValue ?? ""
        keyID = header["kid"]?.stringValue ?? ""

        func string(_ name: String) throws(SealedSecretError) -> String {
            guard let value = payload[name]?.stringValue else { throw SealedSecretError(.malformed, "the payload has no \"\(name)\" string") }
            return value
        }
        func bytes(_ name: String) throws(SealedSecretError) -> [UInt8] {
            guard let value = Base64.decode(try string(name)) else { throw SealedSecretError(.malformed, "the payload's \"\(name)\" is not base64") }
            return value
        }
        let version = try string("version")
        guard version == Self.version else {
            throw SealedSecretError(.version, "payload version \(version); this client reads \(Self.version)")
        }
        provider = try string("provider")
        providerSettings = payload["provider_settings"] ?? .object([:])
        annotations = payload["annotations"] ?? .object([:])
        switch try string("type") {
        case "vault":
            content = .vault(try ResourceURI(try string("name")))
        case "envelope":
            content = .envelope(Envelope(
                keyID: try string("key_id"), encryptedKey: try bytes("encrypted_key"), encryptedData: try bytes("encrypted_data"),
                wrapType: try string("wrap_type"), iv: try bytes("iv")
            ))
        case let other:
            throw SealedSecretError(.unsupported, "type \(other) (vault and envelope are defined)")
        }
    }

    /// Checks the ES256 signature with a P-256 public JWK (`{"kty":"EC","crv":"P-256","x","y"}`, the JSON CDH reads).
    ///
    /// - Throws: ``SealedSecretError`` (`signature`) when the algorithm is not ES256, the key is not a P-256 JWK or
    ///   the signature does not verify.
    public func verify(publicJWK: [UInt8]) throws(SealedSecretError) {
        guard algorithm == "ES256" else { throw SealedSecretError(.signature, "JWS algorithm \(algorithm.isEmpty ? "(none)" : algorithm); ES256 is required") }
        guard let jwk = try? JSONValue(parsing: publicJWK), jwk["kty"]?.stringValue == "EC", jwk["crv"]?.stringValue == "P-256",
              let x = jwk["x"]?.stringValue.flatMap({ Base64.decode($0) }), let y = jwk["y"]?.stringValue.flatMap({ Base64.decode($0) }),
              x.count == 32, y.count == 32, let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else {
            throw SealedSecretError(.signature, "the verification key \(keyID) is not a P-256 JWK")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
              key.isValidSignature(signature, for: signingInput) else {
            throw SealedSecretError(.signature, "the signature does not verify with \(keyID)")
        }
    }

    /// Writes a sealed secret: the payload signed with `key` (ES256), `keyID` in the header.
    public static func seal(payload: JSONValue, keyID: String, key: P256.Signing.PrivateKey) throws -> String {
        let header = Base64.encodeURL(Array(JSONValue.object(["alg": .string("ES256"), "kid": .string(keyID)]).serialized().utf8))
        let body = Base64.encodeURL(Array(payload.serialized().utf8))
        let signature = try key.signature(for: Array("\(header).\(body)".utf8))
        return "sealed.\(header).\(body).\(Base64.encodeURL(signature.rawRepresentation))"
    }

    /// The public JWK of a sealing key, as the broker stores it under the key id for ``verify(publicJWK:)``.
    public static func publicJWK(_ key: P256.Signing.PublicKey) -> [UInt8] {
        let raw = Array(key.rawRepresentation)
        return Array(JSONValue.object([
            "kty": .string("EC"), "crv": .string("P-256"), "alg": .string("ES256"),
            "x": .string(Base64.encodeURL(raw[0..<32])), "y": .string(Base64.encodeURL(raw[32..<64])),
        ]).serialized().utf8)
    }

    /// A `vault` payload naming `uri`, as CDH's tools write it.
    public static func vaultPayload(_ uri: ResourceURI) -> JSONValue {
        .object([
            "version": .string(version), "type": .string("vault"), "name": .string(uri.description), "provider": .string("kbs"),
            "provider_settings": .object([:]), "annotations": .object([:]),
        ])
    }
}
