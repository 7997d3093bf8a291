#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import JOSE

/// The auth request (`kbs-types` `Request`).
public struct AuthRequest: Sendable, Hashable {
    /// The protocol version the guest speaks.
    public var version: String
    /// The TEE name as sent.
    public var tee: String
    /// `extra-params`, any JSON.
    public var extraParams: JSONValue

    /// Creates a request.
    public init(version: String, tee: String, extraParams: JSONValue = .object([:])) {
        self.version = version
        self.tee = tee
        self.extraParams = extraParams
    }

    /// Reads the JSON body.
    ///
    /// - Throws: ``KBSError`` `SerdeError` naming the missing member.
    public init(json: JSONValue) throws {
        guard case .object = json else { throw KBSError(.serdeError, "auth request is not a JSON object") }
        guard let version = json["version"]?.stringValue else { throw KBSError(.serdeError, "auth request has no \"version\" string") }
        guard let tee = json["tee"]?.stringValue else { throw KBSError(.serdeError, "auth request has no \"tee\" string") }
        self.init(version: version, tee: tee, extraParams: json["extra-params"] ?? .null)
    }

    /// The JSON body, as guest-components sends it.
    public var json: JSONValue {
        .object(["version": .string(version), "tee": .string(tee), "extra-params": extraParams])
    }
}

/// The challenge (`kbs-types` `Challenge`): a nonce and `extra-params`, which is the JSON string `""`.
public struct Challenge: Sendable, Hashable {
    /// 32 random bytes, base64 with padding.
    public var nonce: String
    /// The extra parameters (a JSON string).
    public var extraParams: String

    /// Creates a challenge.
    public init(nonce: String, extraParams: String = "") {
        self.nonce = nonce
        self.extraParams = extraParams
    }

    /// Reads the JSON body.
    ///
    /// - Throws: ``KBSError`` `SerdeError`.
    public init(json: JSONValue) throws {
        guard let nonce = json["nonce"]?.stringValue else { throw KBSError(.serdeError, "challenge has no nonce") }
        self.init(nonce: nonce, extraParams: json["extra-params"]?.stringValue ?? "")
    }

    /// The JSON body.
    public var json: JSONValue { .object(["nonce": .string(nonce), "extra-params": .string(extraParams)]) }
}

/// Evidence as a guest sent it: text, or a JSON value embedded in the request body, which a verifier that reads JSON
/// takes without writing it out and parsing it again.
public enum SubmittedEvidence: Sendable, Hashable {
    /// Bytes or text (a JSON string member's contents).
    case bytes([UInt8])
    /// An embedded JSON object or array.
    case json(JSONValue)

    /// The evidence as bytes: a JSON value is written out as text.
    public var bytes: [UInt8] {
        switch self {
        case .bytes(let bytes): bytes
        case .json(let value): Array(value.serialized().utf8)
        }
    }
}

/// An attestation request in either shape, reduced to what the broker needs.
public struct AttestationRequest: Sendable, Hashable {
    /// The TEE public key.
    public var teePublicKey: PublicJWK
    /// The nonce the guest echoes (0.4.0 only).
    public var nonce: String?
    /// The primary evidence as the guest sent it.
    public var submittedEvidence: SubmittedEvidence
    /// The primary evidence as bytes for the verifier (an embedded JSON value written out as text).
    public var primaryEvidence: [UInt8] {
        get { submittedEvidence.bytes }
        set { submittedEvidence = .bytes(newValue) }
    }
    /// The `additional_evidence` string, exactly as sent (0.4.0; `""` when none).
    public var additionalEvidence: String
    /// The init-data TOML body (0.4.0, optional).
    public var initDataTOML: String?

    /// Creates a request.
    public init(teePublicKey: PublicJWK, nonce: String?, primaryEvidence: [UInt8], additionalEvidence: String = "", initDataTOML: String? = nil) {
        self.init(teePublicKey: teePublicKey, nonce: nonce, submittedEvidence: .bytes(primaryEvidence), additionalEvidence: additionalEvidence,
                  initDataTOML: initDataTOML)
    }

    /// Creates a request whose primary evidence is kept as the guest sent it.
    public init(teePublicKey: PublicJWK, nonce: String?, submittedEvidence: SubmittedEvidence, additionalEvidence: String = "", initDataTOML: String? = nil) {
        self.teePublicKey = teePublicKey
        self.nonce = nonce
        self.submittedEvidence = submittedEvidence
        self.additionalEvidence = additionalEvidence
        self.initDataTOML = initDataTOML
    }

    /// Reads the body in the shape of `version`.
    ///
    /// - Throws: ``KBSError`` `SerdeError` naming the missing or malformed member.
    public init(json: JSONValue, version: ProtocolVersion) throws {
        guard case .object = json else { throw KBSError(.serdeError, "attestation is not a JSON object") }
        func key(_ value: JSONValue?) throws -> PublicJWK {
            guard let value else { throw KBSError(.serdeError, "attestation has no tee-pubkey") }
            do { return try PublicJWK(json: value) } catch let error as JOSEError {
                throw KBSError(.serdeError, "tee-pubkey: \(error.message)")
            }
        }
        func evidence(_ value: JSONValue?, _ name: String) throws -> SubmittedEvidence {
            switch value {
            case .string(let text)?: return .bytes(Array(text.utf8))
            case let value? where value.objectValue != nil || value.arrayValue != nil: return .json(value)
            default: throw KBSError(.serdeError, "attestation has no \(name) object")
            }
        }
        if version.isComposite {
            guard case .object = json["runtime-data"] ?? .null else { throw KBSError(.serdeError, "attestation has no runtime-data object") }
            guard let nonce = json["runtime-data"]?["nonce"]?.stringValue else { throw KBSError(.serdeError, "runtime-data has no nonce string") }
            guard case .object = json["tee-evidence"] ?? .null else { throw KBSError(.serdeError, "attestation has no tee-evidence object") }
            let additional: String
            switch json["tee-evidence"]?["additional_evidence"] {
            case nil, .null?: additional = ""
            case .string(let text)?: additional = text
            default: throw KBSError(.serdeError, "tee-evidence.additional_evidence is not a string")
            }
            var initData: String?
            if let initDataValue = json["init-data"], initDataValue != .null {
                guard initDataValue["format"]?.stringValue == "toml", let body = initDataValue["body"]?.stringValue else {
                    throw KBSError(.serdeError, "Unsupported initdata format: init-data must be {\"format\":\"toml\",\"body\":<string>}")
                }
                initData = body
            }
            self.init(teePublicKey: try key(json["runtime-data"]?["tee-pubkey"]), nonce: nonce,
                      submittedEvidence: try evidence(json["tee-evidence"]?["primary_evidence"], "tee-evidence.primary_evidence"),
                      additionalEvidence: additional, initDataTOML: initData)
        } else {
            self.init(teePublicKey: try key(json["tee-pubkey"]), nonce: nil, submittedEvidence: try evidence(json["tee-evidence"], "tee-evidence"))
        }
    }

    /// The runtime data the primary evidence's report data binds: `{"additional-evidence","nonce","tee-pubkey"}` in
    /// 0.4.0, `{"nonce","tee-pubkey"}` before.
    public static func runtimeData(nonce: String, key: PublicJWK, additionalEvidence: String?) -> JSONValue {
        var members: [String: JSONValue] = ["nonce": .string(nonce), "tee-pubkey": key.json]
        if let additionalEvidence { members["additional-evidence"] = .string(additionalEvidence) }
        return .object(members)
    }

    /// The 0.4.0 body, as guest-components sends it.
    public static func json(nonce: String, key: PublicJWK, primaryEvidence: JSONValue, additionalEvidence: String = "", initDataTOML: String? = nil) -> JSONValue {
        .object([
            "init-data": initDataTOML.map { .object(["format": .string("toml"), "body": .string($0)]) } ?? .null,
            "runtime-data": .object(["nonce": .string(nonce), "tee-pubkey": key.json]),
            "tee-evidence": .object(["primary_evidence": primaryEvidence, "additional_evidence": .string(additionalEvidence)]),
        ])
    }

    /// The 0.1.1 and 0.2.0 body.
    public static func legacyJSON(key: PublicJWK, evidence: JSONValue) -> JSONValue {
        .object(["tee-pubkey": key.json, "tee-evidence": .string(evidence.serialized())])
    }
}
