import SwiftASN1

/// A signature algorithm read from an `AlgorithmIdentifier`, with the RSASSA-PSS parameters of RFC 4055.
///
/// ```
/// RSASSA-PSS-params ::= SEQUENCE {
///     hashAlgorithm      [0] HashAlgorithm    DEFAULT sha1,
///     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
///     saltLength         [2] INTEGER          DEFAULT 20,
///     trailerField       [3] TrailerField     DEFAULT trailerFieldBC }
/// ```
public enum SignatureAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// RSASSA-PSS with the given hash, MGF1 hash and salt length.
    case rsaPSS(hash: HashFunction, mgf1Hash: HashFunction, saltLength: Int)
    /// RSASSA-PKCS1-v1_5.
    case rsaPKCS1(hash: HashFunction)
    /// ECDSA (the curve comes from the key).
    case ecdsa(hash: HashFunction)

    public var description: String {
        switch self {
        case .rsaPSS(let hash, let mgf, let salt): return "RSASSA-PSS/\(hash.rawValue) (MGF1-\(mgf.rawValue), salt \(salt))"
        case .rsaPKCS1(let hash): return "RSASSA-PKCS1-v1_5/\(hash.rawValue)"
        case .ecdsa(let hash): return "ECDSA/\(hash.rawValue)"
        }
    }

    /// Reads an `AlgorithmIdentifier` node.
    ///
    /// - Throws: ``PKIError`` `.unsupportedAlgorithm` for algorithms outside the list above (SHA-1 included),
    ///   `.malformed` for a structure that does not parse.
    public init(derEncoded node: ASN1Node) throws {
        let (oid, parameters): (ASN1ObjectIdentifier, ASN1Node?) = try DER.sequence(node, identifier: .sequence) {
            (try ASN1ObjectIdentifier(derEncoded: &$0), $0.next())
        }
        switch oid {
        case OID.sha256WithRSAEncryption: self = .rsaPKCS1(hash: .sha256)
        case OID.sha384WithRSAEncryption: self = .rsaPKCS1(hash: .sha384)
        case OID.sha512WithRSAEncryption: self = .rsaPKCS1(hash: .sha512)
        case OID.ecdsaWithSHA256: self = .ecdsa(hash: .sha256)
        case OID.ecdsaWithSHA384: self = .ecdsa(hash: .sha384)
        case OID.rsassaPSS:
            guard let parameters else { throw PKIError.unsupported("RSASSA-PSS with default (SHA-1) parameters") }
            self = try Self.pss(parameters)
        default:
            throw PKIError.unsupported("signature algorithm \(oid)")
        }
    }

    private static func pss(_ node: ASN1Node) throws -> SignatureAlgorithm {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let hash = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                try hashAlgorithm($0)
            }
            let mgf = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) { node in
                try DER.sequence(node, identifier: .sequence) { inner -> HashFunction in
                    let mgfOID = try ASN1ObjectIdentifier(derEncoded: &inner)
                    guard mgfOID == OID.mgf1, let hashNode = inner.next() else {
                        throw PKIError.unsupported("PSS mask generation function \(mgfOID)")
                    }
                    return try hashAlgorithm(hashNode)
                }
            }
            let salt = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 2, tagClass: .contextSpecific) {
                try Int(derEncoded: $0)
            }
            let trailer = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 3, tagClass: .contextSpecific) {
                try Int(derEncoded: $0)
            }
            guard let hash, let mgf else { throw PKIError.unsupported("RSASSA-PSS with SHA-1 default parameters") }
            guard trailer == nil || trailer == 1 else { throw PKIError.unsupported("PSS trailer field \(trailer ?? 0)") }
            return .rsaPSS(hash: hash, mgf1Hash: mgf, saltLength: salt ?? 20)
        }
    }

    private static func hashAlgorithm(_ node: ASN1Node) throws -> HashFunction {
        let oid: ASN1ObjectIdentifier = try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            if let parameter = nodes.next(), parameter.identifier != .null {
                throw PKIError.malformed("hash algorithm \(oid) has non-NULL parameters")
            }
            return oid
        }
        switch oid {
        case OID.sha256: return .sha256
        case OID.sha384: return .sha384
        case OID.sha512: return .sha512
        default: throw PKIError.unsupported("hash algorithm \(oid)")
        }
    }
}
