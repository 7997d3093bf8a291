import HermeticCore
import PKI
import SwiftASN1

/// What Intel certifies about a platform in its PCK certificate: the SGX extension (OID 1.2.840.113741.1.13.1), a
/// `SEQUENCE OF SEQUENCE { OBJECT IDENTIFIER, value }` (Intel SGX PCK Certificate and CRL Profile, §1.5).
///
/// ```
/// 1.2.840.113741.1.13.1.1   PPID            OCTET STRING (16)
/// 1.2.840.113741.1.13.1.2   TCB             SEQUENCE OF { .2.1–.2.16 SGX TCB component SVNs INTEGER,
///                                                          .2.17 PCESVN INTEGER, .2.18 CPUSVN OCTET STRING (16) }
/// 1.2.840.113741.1.13.1.3   PCE-ID          OCTET STRING (2)
/// 1.2.840.113741.1.13.1.4   FMSPC           OCTET STRING (6)
/// 1.2.840.113741.1.13.1.5   SGX Type        ENUMERATED (0 Standard, 1 Scalable, 2 Scalable with Integrity)
/// 1.2.840.113741.1.13.1.6   PlatformInstanceID OCTET STRING (16), multi-package platforms only
/// 1.2.840.113741.1.13.1.7   Configuration   SEQUENCE OF { .7.1 dynamicPlatform, .7.2 cachedKeys, .7.3 SMTEnabled BOOLEAN }
/// ```
public struct PCKExtensions: Sendable, Hashable {
    /// The SGX extension's identifier.
    public static let oid: ASN1ObjectIdentifier = [1, 2, 840, 113741, 1, 13, 1]

    /// The platform provisioning ID.
    public let ppid: [UInt8]
    /// The 16 SGX TCB component SVNs.
    public let componentSVNs: [UInt8]
    /// The PCE SVN.
    public let pceSVN: UInt16
    /// The CPU SVN.
    public let cpuSVN: [UInt8]
    /// The PCE ID.
    public let pceID: [UInt8]
    /// The family-model-stepping-platform-custom-SKU the TCB info is selected by.
    public let fmspc: [UInt8]
    /// The SGX type.
    public let sgxType: Int
    /// The platform instance ID (multi-package platforms).
    public let platformInstanceID: [UInt8]?
    /// The platform configuration (multi-package platforms).
    public let configuration: Configuration?

    /// The platform configuration flags of a multi-package platform.
    public struct Configuration: Sendable, Hashable {
        /// Whether packages can be added to the platform.
        public var dynamicPlatform: Bool?
        /// Whether platform root keys are cached by Intel.
        public var cachedKeys: Bool?
        /// Whether SMT is enabled.
        public var smtEnabled: Bool?
    }

    /// Reads the SGX extension of a PCK certificate.
    ///
    /// - Throws: ``TDXError`` `.certificateChain` when the extension is missing or a field is absent or malformed.
    public init(certificate: X509Certificate) throws {
        guard let ext = certificate.extensions[oid: Self.oid] else {
            throw TDXError(.certificateChain, "PCK certificate \"\(certificate.subject.commonName ?? "")\" has no SGX extension (1.2.840.113741.1.13.1)")
        }
        do {
            try self.init(extensionValue: ext.value)
        } catch let error as TDXError {
            throw error
        } catch {
            throw TDXError(.certificateChain, "PCK SGX extension does not parse: \(error)")
        }
    }

    private init(extensionValue: ArraySlice<UInt8>) throws {
        var ppid: [UInt8]?, components: [Int: UInt8] = [:], pceSVN: UInt16?, cpuSVN: [UInt8]?
        var pceID: [UInt8]?, fmspc: [UInt8]?, sgxType: Int?, instance: [UInt8]?
        var configuration: Configuration?
        for (oid, value) in try Self.pairs(try DER.parse(extensionValue)) {
            switch Self.arc(oid) {
            case [1]: ppid = try Self.octets(value)
            case [2]:
                for (tcbOID, tcbValue) in try Self.pairs(value) {
                    let arc = Self.arc(tcbOID)
                    guard arc.count == 2, arc[0] == 2 else { continue }
                    switch arc[1] {
                    case 1...16: components[Int(arc[1])] = UInt8(clamping: try Int(derEncoded: tcbValue))
                    case 17: pceSVN = UInt16(clamping: try Int(derEncoded: tcbValue))
                    case 18: cpuSVN = try Self.octets(tcbValue)
                    default: continue
                    }
                }
            case [3]: pceID = try Self.octets(value)
            case [4]: fmspc = try Self.octets(value)
            case [5]: sgxType = try Int(derEncoded: value, withIdentifier: .enumerated)
            case [6]: instance = try Self.octets(value)
            case [7]:
                var flags = Configuration()
                for (flagOID, flagValue) in try Self.pairs(value) {
                    switch Self.arc(flagOID) {
                    case [7, 1]: flags.dynamicPlatform = try Bool(derEncoded: flagValue)
                    case [7, 2]: flags.cachedKeys = try Bool(derEncoded: flagValue)
                    case [7, 3]: flags.smtEnabled = try Bool(derEncoded: flagValue)
                    default: continue
                    }
                }
                configuration = flags
            default: continue
            }
        }
        guard let ppid, let pceSVN, let cpuSVN, let pceID, let fmspc, let sgxType, components.count == 16 else {
            throw TDXError(.certificateChain, "PCK SGX extension lacks a field (PPID, TCB component SVNs, PCESVN, CPUSVN, PCE-ID, FMSPC or SGX type)")
        }
        guard fmspc.count == 6, pceID.count == 2, cpuSVN.count == 16 else {
            throw TDXError(.certificateChain, "PCK SGX extension has FMSPC of \(fmspc.count) bytes, PCE-ID of \(pceID.count), CPUSVN of \(cpuSVN.count) (expected 6, 2, 16)")
        }
        self.ppid = ppid
        self.componentSVNs = (1...16).map { components[$0] ?? 0 }
        self.pceSVN = pceSVN
        self.cpuSVN = cpuSVN
        self.pceID = pceID
        self.fmspc = fmspc
        self.sgxType = sgxType
        self.platformInstanceID = instance
        self.configuration = configuration
    }

    /// The arcs of `oid` after the SGX extension's own, or `[]` when it is outside it.
    private static func arc(_ oid: ASN1ObjectIdentifier) -> [UInt] {
        let base = Self.oid.oidComponents
        let components = oid.oidComponents
        guard components.starts(with: base) else { return [] }
        return Array(components.dropFirst(base.count))
    }

    private static func pairs(_ node: ASN1Node) throws -> [(ASN1ObjectIdentifier, ASN1Node)] {
        try DER.sequence(node, identifier: .sequence) { list in
            var result: [(ASN1ObjectIdentifier, ASN1Node)] = []
            while let entry = list.next() {
                result.append(try DER.sequence(entry, identifier: .sequence) { fields in
                    let oid = try ASN1ObjectIdentifier(derEncoded: &fields)
                    guard let value = fields.next() else {
                        throw TDXError(.certificateChain, "PCK SGX extension entry \(oid) has no value")
                    }
                    return (oid, value)
                })
            }
            return result
        }
    }

    private static func octets(_ node: ASN1Node) throws -> [UInt8] {
        Array(try ASN1OctetString(derEncoded: node).bytes)
    }
}
