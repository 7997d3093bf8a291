import Foundation
import HermeticCore

/// One appraised device in an EAR (`submods.cpu0`, `submods.gpu0`, ...).
public struct EARSubmodule: Sendable, Hashable {
    /// The trustworthiness vector the policy computed.
    public var trustVector: TrustVector
    /// The appraisal policy's id (`ear.appraisal-policy-id`).
    public var policyID: String
    /// The claims the policy saw, with runtime and init-data claims (`ear.veraison.annotated-evidence`).
    public var annotatedEvidence: JSONValue
    /// Further members the policy's `extensions` rule asked for (`ear.trustee.identifiers`, ...).
    public var extensions: [String: JSONValue]

    /// Creates a submodule.
    public init(trustVector: TrustVector, policyID: String, annotatedEvidence: JSONValue, extensions: [String: JSONValue] = [:]) {
        self.trustVector = trustVector
        self.policyID = policyID
        self.annotatedEvidence = annotatedEvidence
        self.extensions = extensions
    }

    /// The status derived from the vector.
    public var status: EARStatus { trustVector.status }

    /// The submodule as EAR JSON.
    public var json: JSONValue {
        var members = extensions
        members["ear.status"] = .string(status.rawValue)
        members["ear.trustworthiness-vector"] = trustVector.json
        members["ear.appraisal-policy-id"] = .string(policyID)
        members["ear.veraison.annotated-evidence"] = annotatedEvidence
        return .object(members)
    }
}

/// The claims of an EAR attestation token in the layout Trustee's attestation service issues, so that resource
/// policies written for Trustee read them unchanged.
public struct EARClaims: Sendable, Hashable {
    /// The EAT profile Trustee declares.
    public static let profile = "tag:github.com,2024:confidential-containers/Trustee"

    /// When the token was issued.
    public var issuedAt: Date
    /// When it expires.
    public var expiresAt: Date
    /// The `iss` claim.
    public var issuer: String
    /// The verifier's developer (`ear.verifier-id.developer`).
    public var developer: String
    /// The verifier's build (`ear.verifier-id.build`).
    public var build: String
    /// The appraised devices by submodule name.
    public var submodules: [String: EARSubmodule]

    /// Creates claims.
    public init(
        issuedAt: Date, lifetime: TimeInterval, submodules: [String: EARSubmodule], issuer: String = "CoCo-Attestation-Service",
        developer: String = "https://github.com/hermetic", build: String = "hermetic 0.1.0"
    ) {
        self.issuedAt = issuedAt
        self.expiresAt = issuedAt.addingTimeInterval(lifetime)
        self.issuer = issuer
        self.developer = developer
        self.build = build
        self.submodules = submodules
    }

    /// The worst status of any submodule.
    public var status: EARStatus { submodules.values.map(\.status).max() ?? .none }

    /// The claims as the JWT payload.
    public var json: JSONValue {
        .object([
            "eat_profile": .string(Self.profile),
            "iat": .int(Int64(issuedAt.timeIntervalSince1970.rounded(.down))),
            "exp": .int(Int64(expiresAt.timeIntervalSince1970.rounded(.down))),
            "iss": .string(issuer),
            "ear.verifier-id": .object(["developer": .string(developer), "build": .string(build)]),
            "submods": .object(submodules.mapValues(\.json)),
        ])
    }

    /// The submodule name of the `index`-th device of `deviceClass`: `cpu0`, `gpu0`, `gpu1`, ...
    public static func submoduleName(_ deviceClass: DeviceClass, index: Int) -> String {
        "\(deviceClass.rawValue)\(index)"
    }
}
