import SwiftASN1

/// An X.501 `Name` (`RDNSequence`), kept as its encoded bytes for exact comparison, with its attributes read out.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute type and its value as text (`UTF8String`, `PrintableString`, `IA5String` ...).
    public struct Attribute: Sendable, Hashable {
        /// The attribute type.
        public let type: ASN1ObjectIdentifier
        /// The value as text; non-string values are shown in hex.
        public let value: String
    }

    /// The DER encoding of the whole name.
    public let derBytes: ArraySlice<UInt8>
    /// The attributes in order, flattened across relative distinguished names.
    public let attributes: [Attribute]

    /// The first common name (CN), if any.
    public var commonName: String? { attributes.first { $0.type == OID.commonName }?.value }

    /// Reads a `Name` node.
    public init(derEncoded node: ASN1Node) throws {
        derBytes = node.encodedBytes
        var attributes: [Attribute] = []
        try DER.sequence(node, identifier: .sequence) { rdns in
            while let rdn = rdns.next() {
                guard rdn.identifier == .set, case .constructed(let pairs) = rdn.content else {
                    throw PKIError.malformed("name component is not a SET")
                }
                for pair in pairs {
                    try DER.sequence(pair, identifier: .sequence) { fields in
                        let type = try ASN1ObjectIdentifier(derEncoded: &fields)
                        guard let valueNode = fields.next(), case .primitive(let content) = valueNode.content else {
                            throw PKIError.malformed("name attribute \(type) has no primitive value")
                        }
                        let text = String(validating: content, as: UTF8.self) ?? content.map { String($0, radix: 16) }.joined()
                        attributes.append(Attribute(type: type, value: text))
                    }
                }
            }
        }
        self.attributes = attributes
    }

    public var description: String {
        attributes.map { ($0.type == OID.commonName ? "CN" : "\($0.type)") + "=" + $0.value }.joined(separator: ", ")
    }

    public static func == (lhs: DistinguishedName, rhs: DistinguishedName) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}
