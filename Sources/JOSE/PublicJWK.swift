import HermeticCore

/// A public key as a JWK, in the shapes a CoCo guest sends as `tee-pubkey` (kbs-types `TeePubKey`): an EC key
/// (`kty`, `crv`, `alg`, `x`, `y`) or an RSA key (`kty`, `alg`, `n`, `e`).
///
/// Members other than these are ignored, as the guest's and Trustee's typed structures ignore them; ``json`` is
/// therefore the form both sides hash when they bind the key into report data.
public struct PublicJWK: Sendable, Hashable {
    /// The key material.
    public enum Key: Sendable, Hashable {
        /// An EC public key: fixed-length big-endian coordinates.
        case ec(curve: EllipticCurve, x: [UInt8], y: [UInt8])
        /// An RSA public key: big-endian modulus and exponent.
        case rsa(n: [UInt8], e: [UInt8])
    }

    /// The key material.
    public var key: Key
    /// The key-management algorithm the key is for.
    public var algorithm: KeyManagementAlgorithm

    /// Creates a JWK, checking that the algorithm fits the key type.
    ///
    /// - Throws: ``JOSEError`` `.keyMismatch` for an EC key with an RSA algorithm or the reverse, `.malformed`
    ///   for a coordinate of the wrong length.
    public init(key: Key, algorithm: KeyManagementAlgorithm) throws {
        switch key {
        case .ec(let curve, let x, let y):
            guard algorithm == .ecdhESA256KW else {
                throw JOSEError(.keyMismatch, "an EC key cannot be used with \(algorithm.rawValue)")
            }
            guard x.count == curve.coordinateLength, y.count == curve.coordinateLength else {
                throw JOSEError(.malformed, "\(curve.rawValue) coordinates must be \(curve.coordinateLength) bytes, got \(x.count) and \(y.count)")
            }
        case .rsa(let n, let e):
            guard algorithm.isRSA else {
                throw JOSEError(.keyMismatch, "an RSA key cannot be used with \(algorithm.rawValue)")
            }
            guard !n.isEmpty, !e.isEmpty else { throw JOSEError(.malformed, "RSA key has an empty n or e") }
        }
        self.key = key
        self.algorithm = algorithm
    }

    /// Reads a JWK object.
    ///
    /// - Throws: ``JOSEError`` naming the missing or invalid member.
    public init(json: JSONValue) throws {
        guard case .object = json else { throw JOSEError(.malformed, "tee-pubkey is not a JSON object") }
        func member(_ name: String) throws -> String {
            guard let value = json[name]?.stringValue else {
                throw JOSEError(.malformed, "JWK has no \"\(name)\" string")
            }
            return value
        }
        func bytes(_ name: String) throws -> [UInt8] {
            guard let decoded = Base64.decode(try member(name)) else {
                throw JOSEError(.malformed, "JWK \"\(name)\" is not base64url")
            }
            return decoded
        }
        let algName = try member("alg")
        guard let algorithm = KeyManagementAlgorithm(rawValue: algName) else {
            throw JOSEError(.unsupportedAlgorithm, "JWK alg \"\(algName)\" is not one of \(KeyManagementAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        switch try member("kty") {
        case "EC":
            let curveName = try member("crv")
            guard let curve = EllipticCurve(rawValue: curveName) else {
                throw JOSEError(.unsupportedAlgorithm, "JWK crv \"\(curveName)\" is not P-256, P-384 or P-521")
            }
            try self.init(key: .ec(curve: curve, x: try bytes("x"), y: try bytes("y")), algorithm: algorithm)
        case "RSA":
            try self.init(key: .rsa(n: try bytes("n"), e: try bytes("e")), algorithm: algorithm)
        case let other:
            throw JOSEError(.unsupportedAlgorithm, "JWK kty \"\(other)\" is not EC or RSA")
        }
    }

    /// The JWK as a JSON object with exactly the members the guest's typed key has.
    public var json: JSONValue {
        switch key {
        case .ec(let curve, let x, let y):
            return .object([
                "kty": .string("EC"), "crv": .string(curve.rawValue), "alg": .string(algorithm.rawValue),
                "x": .string(Base64.encodeURL(x)), "y": .string(Base64.encodeURL(y)),
            ])
        case .rsa(let n, let e):
            return .object([
                "kty": .string("RSA"), "alg": .string(algorithm.rawValue),
                "n": .string(Base64.encodeURL(n)), "e": .string(Base64.encodeURL(e)),
            ])
        }
    }
}
