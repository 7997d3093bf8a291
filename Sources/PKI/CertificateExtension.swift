import SwiftASN1

/// One X.509v3 extension, its value left as the raw bytes of the `extnValue` OCTET STRING.
///
/// ```
/// Extension ::= SEQUENCE {
///     extnID      OBJECT IDENTIFIER,
///     critical    BOOLEAN DEFAULT FALSE,
///     extnValue   OCTET STRING }
/// ```
public struct CertificateExtension: Sendable, Hashable {
    /// The extension's identifier.
    public let oid: ASN1ObjectIdentifier
    /// Whether the extension is marked critical.
    public let critical: Bool
    /// The content of `extnValue`.
    public let value: ArraySlice<UInt8>

    init(derEncoded node: ASN1Node) throws {
        (oid, critical, value) = try DER.sequence(node, identifier: .sequence) { fields in
            let oid = try ASN1ObjectIdentifier(derEncoded: &fields)
            let critical = try DER.decodeDefault(&fields, defaultValue: false)
            let value = try ASN1OctetString(derEncoded: &fields)
            return (oid, critical, value.bytes)
        }
    }
}

extension Array where Element == CertificateExtension {
    /// The extension with identifier `oid`, if present.
    public subscript(oid oid: ASN1ObjectIdentifier) -> CertificateExtension? {
        first { $0.oid == oid }
    }
}
