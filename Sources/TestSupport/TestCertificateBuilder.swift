import Crypto
import Foundation
import PKI
import SwiftASN1
import _CryptoExtras

/// Builds DER certificates and CRLs for tests, signed the way AMD signs (RSASSA-PSS, SHA-384, MGF1-SHA-384,
/// salt 48) or with ECDSA P-384.
///
/// Only for tests: nothing here checks what it is asked to build.
public enum TestCertificateBuilder {
    /// A signing key for test certificates.
    public enum SigningKey: Sendable {
        case rsaPSS(_RSA.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)

        var subjectPublicKeyInfo: [UInt8] {
            switch self {
            case .rsaPSS(let key): return [UInt8](key.publicKey.derRepresentation)
            case .p384(let key): return [UInt8](key.publicKey.derRepresentation)
            }
        }
    }

    /// One extension to put in a certificate: its OID, and the raw content of `extnValue`.
    public struct Extension: Sendable {
        public var oid: ASN1ObjectIdentifier
        public var value: [UInt8]
        /// Creates an extension.
        public init(oid: ASN1ObjectIdentifier, value: [UInt8]) {
            self.oid = oid
            self.value = value
        }
    }

    /// A DER name `O=<organization>, CN=<commonName>`.
    public static func name(commonName: String, organization: String = "Hermetic test CA (not AMD)") throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { rdns in
            let organizationName: ASN1ObjectIdentifier = [2, 5, 4, 10]
            for (oid, value) in [(organizationName, organization), (OID.commonName, commonName)] {
                try rdns.appendConstructedNode(identifier: .set) { set in
                    try set.appendConstructedNode(identifier: .sequence) { pair in
                        try pair.serialize(oid)
                        try pair.serialize(ASN1UTF8String(value))
                    }
                }
            }
        }
        return serializer.serializedBytes
    }

    /// `der` as a PEM `CERTIFICATE` block.
    public static func pem(certificate der: [UInt8]) -> String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n"
    }

    /// A DER certificate.
    public static func certificate(
        serial: [UInt8] = [0], issuer: [UInt8], subject: [UInt8], notBefore: Date, notAfter: Date,
        subjectKey: SigningKey, extensions: [Extension] = [], signedBy issuerKey: SigningKey
    ) throws -> [UInt8] {
        let algorithm = try algorithmIdentifier(for: issuerKey)
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { try $0.serialize(2) }
            try coder.serialize(ArraySlice(serial))
            coder.serializeRawBytes(algorithm)
            coder.serializeRawBytes(issuer)
            try coder.appendConstructedNode(identifier: .sequence) { validity in
                try serializeTime(notBefore, into: &validity)
                try serializeTime(notAfter, into: &validity)
            }
            coder.serializeRawBytes(subject)
            coder.serializeRawBytes(subjectKey.subjectPublicKeyInfo)
            if !extensions.isEmpty {
                try coder.serialize(explicitlyTaggedWithTagNumber: 3, tagClass: .contextSpecific) { wrapper in
                    try wrapper.appendConstructedNode(identifier: .sequence) { list in
                        for ext in extensions {
                            try list.appendConstructedNode(identifier: .sequence) { item in
                                try item.serialize(ext.oid)
                                try item.serialize(ASN1OctetString(contentBytes: ArraySlice(ext.value)))
                            }
                        }
                    }
                }
            }
        }
        return try signed(tbs.serializedBytes, algorithm: algorithm, key: issuerKey)
    }

    /// A DER CRL (v2) listing `revokedSerials`.
    public static func crl(
        issuer: [UInt8], thisUpdate: Date, nextUpdate: Date, revokedSerials: [[UInt8]], revokedAt: Date, signedBy key: SigningKey
    ) throws -> [UInt8] {
        let algorithm = try algorithmIdentifier(for: key)
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)
            coder.serializeRawBytes(algorithm)
            coder.serializeRawBytes(issuer)
            try serializeTime(thisUpdate, into: &coder)
            try serializeTime(nextUpdate, into: &coder)
            if !revokedSerials.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { list in
                    for serial in revokedSerials {
                        try list.appendConstructedNode(identifier: .sequence) { entry in
                            try entry.serialize(ArraySlice(serial))
                            try serializeTime(revokedAt, into: &entry)
                        }
                    }
                }
            }
        }
        return try signed(tbs.serializedBytes, algorithm: algorithm, key: key)
    }

    /// The content of a DER INTEGER extension value (how AMD encodes TCB levels).
    public static func integerValue(_ value: Int) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(value)
        return serializer.serializedBytes
    }

    /// The content of a DER IA5String extension value (how AMD encodes the product name).
    public static func ia5StringValue(_ value: String) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(ASN1IA5String(value))
        return serializer.serializedBytes
    }

    private static func signed(_ tbs: [UInt8], algorithm: [UInt8], key: SigningKey) throws -> [UInt8] {
        let signature: [UInt8]
        switch key {
        case .rsaPSS(let rsa):
            signature = [UInt8](try rsa.signature(for: SHA384.hash(data: tbs), padding: .PSS).rawRepresentation)
        case .p384(let ec):
            signature = [UInt8](try ec.signature(for: SHA384.hash(data: tbs)).derRepresentation)
        }
        var outer = DER.Serializer()
        try outer.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbs)
            coder.serializeRawBytes(algorithm)
            try coder.serialize(ASN1BitString(bytes: ArraySlice(signature)))
        }
        return outer.serializedBytes
    }

    /// RSASSA-PSS with SHA-384 parameters exactly as AMD writes them, or ecdsa-with-SHA384.
    private static func algorithmIdentifier(for key: SigningKey) throws -> [UInt8] {
        var serializer = DER.Serializer()
        switch key {
        case .p384:
            try serializer.appendConstructedNode(identifier: .sequence) { try $0.serialize(OID.ecdsaWithSHA384) }
        case .rsaPSS:
            func sha384(_ coder: inout DER.Serializer) throws {
                try coder.appendConstructedNode(identifier: .sequence) { hash in
                    try hash.serialize(OID.sha384)
                    try hash.serialize(ASN1Null())
                }
            }
            try serializer.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(OID.rsassaPSS)
                try coder.appendConstructedNode(identifier: .sequence) { params in
                    try params.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { try sha384(&$0) }
                    try params.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { mgf in
                        try mgf.appendConstructedNode(identifier: .sequence) { inner in
                            try inner.serialize(OID.mgf1)
                            try sha384(&inner)
                        }
                    }
                    try params.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { try $0.serialize(48) }
                }
            }
        }
        return serializer.serializedBytes
    }

    private static func serializeTime(_ date: Date, into coder: inout DER.Serializer) throws {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: date)
        let (y, mo, d, h, mi, s) = (c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        if (1950..<2050).contains(y) {
            try coder.serialize(UTCTime(year: y, month: mo, day: d, hours: h, minutes: mi, seconds: s))
        } else {
            try coder.serialize(GeneralizedTime(year: y, month: mo, day: d, hours: h, minutes: mi, seconds: s, fractionalSeconds: 0))
        }
    }
}
