import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import SwiftASN1

/// An X.509 certificate read field by field, for the certificates swift-certificates refuses: those signed with
/// RSASSA-PSS (every AMD ARK, ASK, VCEK and VLEK).
///
/// The signed bytes are kept as they arrived (`tbsBytes`), and signatures are checked over them, never over a
/// re-encoding.
///
/// ```
/// Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
///                            signatureValue BIT STRING }
/// TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER,
///     signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
///     subjectPublicKeyInfo SubjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
///     subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT Extensions OPTIONAL }
/// ```
public struct X509Certificate: Sendable, Hashable {
    /// The whole certificate as DER.
    public let derBytes: [UInt8]
    /// The `TBSCertificate` as it was encoded: what the signature covers.
    public let tbsBytes: ArraySlice<UInt8>
    /// The version (0 = v1, 2 = v3).
    public let version: Int
    /// The serial number's big-endian content bytes (AMD leaf certificates use serial 0).
    public let serialNumber: ArraySlice<UInt8>
    /// The algorithm the issuer signed with.
    public let signatureAlgorithm: SignatureAlgorithm
    /// The issuer's name.
    public let issuer: DistinguishedName
    /// The subject's name.
    public let subject: DistinguishedName
    /// The start of the validity period.
    public let notBefore: Date
    /// The end of the validity period.
    public let notAfter: Date
    /// The `SubjectPublicKeyInfo` as DER.
    public let subjectPublicKeyInfo: ArraySlice<UInt8>
    /// The v3 extensions, in order.
    public let extensions: [CertificateExtension]
    /// The signature bits.
    public let signature: ArraySlice<UInt8>

    /// Reads a DER certificate.
    ///
    /// - Throws: ``PKIError`` when the structure does not parse, or the inner and outer signature algorithms differ.
    public init(derEncoded der: [UInt8]) throws {
        derBytes = der
        let root: ASN1Node
        do { root = try DER.parse(der) } catch { throw PKIError.malformed("certificate is not DER: \(error)") }
        do {
            var parsed: (tbs: ASN1Node, algorithm: ASN1Node, signature: ASN1BitString)?
            try DER.sequence(root, identifier: .sequence) { fields in
                guard let tbs = fields.next(), let algorithm = fields.next() else {
                    throw PKIError.malformed("certificate has fewer than three fields")
                }
                parsed = (tbs, algorithm, try ASN1BitString(derEncoded: &fields))
            }
            guard let parsed else { throw PKIError.malformed("certificate is empty") }
            tbsBytes = parsed.tbs.encodedBytes
            signature = parsed.signature.bytes
            signatureAlgorithm = try SignatureAlgorithm(derEncoded: parsed.algorithm)

            var fields: (Int, ArraySlice<UInt8>, ASN1Node, DistinguishedName, Date, Date, DistinguishedName, ArraySlice<UInt8>, [CertificateExtension])?
            try DER.sequence(parsed.tbs, identifier: .sequence) { tbs in
                let version = try DER.optionalExplicitlyTagged(&tbs, tagNumber: 0, tagClass: .contextSpecific) {
                    try Int(derEncoded: $0)
                } ?? 0
                let serial = try ArraySlice<UInt8>(derEncoded: &tbs)
                guard let innerAlgorithm = tbs.next(), let issuerNode = tbs.next(), let validity = tbs.next(),
                      let subjectNode = tbs.next(), let spki = tbs.next()
                else { throw PKIError.malformed("TBSCertificate is missing fields") }
                let (notBefore, notAfter) = try DER.sequence(validity, identifier: .sequence) { times -> (Date, Date) in
                    guard let start = times.next(), let end = times.next() else {
                        throw PKIError.malformed("validity lacks notBefore or notAfter")
                    }
                    return (try X509Time.date(from: start), try X509Time.date(from: end))
                }
                _ = DER.optionalImplicitlyTagged(&tbs, tagNumber: 1, tagClass: .contextSpecific) { $0 }
                _ = DER.optionalImplicitlyTagged(&tbs, tagNumber: 2, tagClass: .contextSpecific) { $0 }
                let extensions: [CertificateExtension] = try DER.optionalExplicitlyTagged(&tbs, tagNumber: 3, tagClass: .contextSpecific) { node in
                    try DER.sequence(node, identifier: .sequence) { list in
                        var result: [CertificateExtension] = []
                        while let ext = list.next() { result.append(try CertificateExtension(derEncoded: ext)) }
                        return result
                    }
                } ?? []
                fields = (version, serial, innerAlgorithm, try DistinguishedName(derEncoded: issuerNode), notBefore, notAfter,
                          try DistinguishedName(derEncoded: subjectNode), spki.encodedBytes, extensions)
            }
            guard let fields else { throw PKIError.malformed("TBSCertificate is empty") }
            guard fields.2.encodedBytes == parsed.algorithm.encodedBytes else {
                throw PKIError.malformed("certificate's inner and outer signature algorithms differ")
            }
            (version, serialNumber, _, issuer, notBefore, notAfter, subject, subjectPublicKeyInfo, extensions) = fields
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.malformed("certificate does not parse: \(error)")
        }
    }

    /// The subject public key.
    ///
    /// - Throws: ``PKIError`` when the key's algorithm is not supported.
    public func publicKey() throws -> PublicKey {
        try PublicKey(subjectPublicKeyInfo: subjectPublicKeyInfo)
    }

    /// Whether this certificate's signature verifies with `issuerKey`.
    public func isSigned(by issuerKey: PublicKey) -> Bool {
        issuerKey.isValidSignature(signature, for: tbsBytes, algorithm: signatureAlgorithm)
    }

    /// Whether `date` lies inside the validity period (both ends included, as RFC 5280 says).
    public func isValid(at date: Date) -> Bool { notBefore <= date && date <= notAfter }

    /// The SHA-256 fingerprint of the DER, in hex.
    public var fingerprint: String { Hex.encode(SHA256.hash(data: derBytes)) }

    public static func == (lhs: X509Certificate, rhs: X509Certificate) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}
