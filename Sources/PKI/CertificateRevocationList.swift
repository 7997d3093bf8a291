#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwiftASN1

/// An X.509 v2 certificate revocation list (RFC 5280 §5), read field by field; swift-certificates has no CRL type.
///
/// ```
/// CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
///                                signatureValue BIT STRING }
/// TBSCertList ::= SEQUENCE { version Version OPTIONAL, signature AlgorithmIdentifier, issuer Name,
///     thisUpdate Time, nextUpdate Time OPTIONAL,
///     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber,
///         revocationDate Time, crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
///     crlExtensions [0] EXPLICIT Extensions OPTIONAL }
/// ```
public struct CertificateRevocationList: Sendable, Hashable {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        /// The revoked certificate's serial number (big-endian content bytes).
        public let serialNumber: ArraySlice<UInt8>
        /// When it was revoked.
        public let revocationDate: Date
    }

    /// The whole CRL as DER.
    public let derBytes: [UInt8]
    /// The `TBSCertList` as encoded: what the signature covers.
    public let tbsBytes: ArraySlice<UInt8>
    /// The algorithm the issuer signed with.
    public let signatureAlgorithm: SignatureAlgorithm
    /// The CRL issuer.
    public let issuer: DistinguishedName
    /// When this CRL was issued.
    public let thisUpdate: Date
    /// When the next CRL is due; after it this one is stale.
    public let nextUpdate: Date?
    /// The revoked certificates.
    public let entries: [Entry]
    /// The CRL extensions.
    public let extensions: [CertificateExtension]
    /// The signature bits.
    public let signature: ArraySlice<UInt8>

    /// Reads a DER CRL.
    ///
    /// - Throws: ``PKIError`` when the structure does not parse.
    public init(derEncoded der: [UInt8]) throws {
        derBytes = der
        do {
            let root = try DER.parse(der)
            var outer: (ASN1Node, ASN1Node, ASN1BitString)?
            try DER.sequence(root, identifier: .sequence) { fields in
                guard let tbs = fields.next(), let algorithm = fields.next() else {
                    throw PKIError.malformed("CRL has fewer than three fields")
                }
                outer = (tbs, algorithm, try ASN1BitString(derEncoded: &fields))
            }
            guard let (tbs, algorithm, bits) = outer else { throw PKIError.malformed("CRL is empty") }
            tbsBytes = tbs.encodedBytes
            signature = bits.bytes
            signatureAlgorithm = try SignatureAlgorithm(derEncoded: algorithm)
            var inner: (DistinguishedName, Date, Date?, [Entry], [CertificateExtension])?
            try DER.sequence(tbs, identifier: .sequence) { fields in
                if let version: Int = try DER.optionalImplicitlyTagged(&fields, tag: .integer), version != 1 {
                    throw PKIError.malformed("CRL version \(version + 1), expected v2")
                }
                guard let innerAlgorithm = fields.next(), let issuerNode = fields.next(), let thisNode = fields.next() else {
                    throw PKIError.malformed("TBSCertList is missing fields")
                }
                guard innerAlgorithm.encodedBytes == algorithm.encodedBytes else {
                    throw PKIError.malformed("CRL's inner and outer signature algorithms differ")
                }
                var next: Date?
                var entries: [Entry] = []
                var extensions: [CertificateExtension] = []
                while let node = fields.next() {
                    switch node.identifier {
                    case .utcTime, .generalizedTime:
                        guard next == nil, entries.isEmpty else { throw PKIError.malformed("CRL has a misplaced time field") }
                        next = try X509Time.date(from: node)
                    case .sequence:
                        entries = try DER.sequence(node, identifier: .sequence) { list in
                            var result: [Entry] = []
                            while let entry = list.next() {
                                result.append(try DER.sequence(entry, identifier: .sequence) { e in
                                    let serial = try ArraySlice<UInt8>(derEncoded: &e)
                                    guard let date = e.next() else { throw PKIError.malformed("CRL entry lacks a date") }
                                    _ = e.next()
                                    return Entry(serialNumber: serial, revocationDate: try X509Time.date(from: date))
                                })
                            }
                            return result
                        }
                    case ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific):
                        guard case .constructed(let children) = node.content, let list = children.first(where: { _ in true }) else {
                            throw PKIError.malformed("CRL extensions are not constructed")
                        }
                        extensions = try DER.sequence(list, identifier: .sequence) { items in
                            var result: [CertificateExtension] = []
                            while let item = items.next() { result.append(try CertificateExtension(derEncoded: item)) }
                            return result
                        }
                    default:
                        throw PKIError.malformed("unexpected field \(node.identifier) in TBSCertList")
                    }
                }
                inner = (try DistinguishedName(derEncoded: issuerNode), try X509Time.date(from: thisNode), next, entries, extensions)
            }
            guard let inner else { throw PKIError.malformed("TBSCertList is empty") }
            (issuer, thisUpdate, nextUpdate, entries, extensions) = inner
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError.malformed("CRL does not parse: \(error)")
        }
    }

    /// Whether this CRL's signature verifies with `issuerKey`.
    public func isSigned(by issuerKey: PublicKey) -> Bool {
        issuerKey.isValidSignature(signature, for: tbsBytes, algorithm: signatureAlgorithm)
    }

    /// The entry revoking `certificate`, if this CRL lists its serial number and the CRL's issuer issued it.
    public func revocation(of certificate: X509Certificate) -> Entry? {
        guard certificate.issuer == issuer else { return nil }
        let serial = Self.normalized(certificate.serialNumber)
        return entries.first { Self.normalized($0.serialNumber) == serial }
    }

    private static func normalized(_ serial: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let trimmed = serial.drop { $0 == 0 }
        return trimmed.isEmpty ? [0] : trimmed
    }
}
