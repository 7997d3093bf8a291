import HermeticCore
import PKI
import SwiftASN1

/// A VCEK or VLEK certificate with the AMD KDS extensions read out (KDS specification, "VCEK Certificate
/// Extensions", OIDs under 1.3.6.1.4.1.3704.1).
public struct EndorsementKey: Sendable, Hashable {
    /// Which kind of key the certificate holds.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Versioned Chip Endorsement Key: derived from the chip's secrets and its TCB.
        case vcek = "VCEK"
        /// Versioned Loaded Endorsement Key: loaded by a cloud provider, not tied to one chip.
        case vlek = "VLEK"
    }

    enum ExtensionOID {
        static let structVersion: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 1]
        static let productName: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 2]
        static let bootloader: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 3, 1]
        static let tee: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 3, 2]
        static let snp: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 3, 3]
        static let microcode: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 3, 8]
        static let fmc: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 3, 9]
        static let hardwareID: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 4]
        static let cspID: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 3704, 1, 5]
    }

    /// The certificate.
    public let certificate: X509Certificate
    /// VCEK or VLEK, from the subject common name (`SEV-VCEK`, `SEV-VLEK`).
    public let kind: Kind
    /// The productName extension (`Milan-B0`, `Genoa`, `Turin`), when present.
    public let productName: String?
    /// The TCB the key was derived for.
    public let tcb: TCBVersion.Components
    /// The hwID extension: the chip ID (64 bytes; 8 on Turin). VCEKs only.
    public let hardwareID: [UInt8]?
    /// The CSP ID extension: the cloud provider a VLEK was issued to. VLEKs only.
    public let cspID: String?

    /// Reads the extensions of a VCEK or VLEK certificate.
    ///
    /// - Throws: ``SNPError`` `.malformedCollateral` when the subject is neither VCEK nor VLEK, a TCB extension is
    ///   missing or not an INTEGER, or a VCEK has no hwID.
    public init(certificate: X509Certificate) throws {
        self.certificate = certificate
        let commonName = certificate.subject.commonName ?? ""
        switch commonName {
        case "SEV-VCEK", "VCEK": kind = .vcek
        case "SEV-VLEK", "VLEK": kind = .vlek
        default:
            throw SNPError(.malformedCollateral, "certificate \"\(commonName)\" is neither a VCEK nor a VLEK")
        }
        let extensions = certificate.extensions
        productName = try extensions[oid: ExtensionOID.productName].map { try Self.string($0.value) }
        func level(_ oid: ASN1ObjectIdentifier, _ name: String) throws -> UInt8 {
            guard let ext = extensions[oid: oid] else {
                throw SNPError(.malformedCollateral, "\(commonName) certificate lacks the \(name) TCB extension \(oid)")
            }
            return try Self.level(ext.value, name: name)
        }
        tcb = TCBVersion.Components(
            fmc: try extensions[oid: ExtensionOID.fmc].map { try Self.level($0.value, name: "fmcSPL") },
            bootloader: try level(ExtensionOID.bootloader, "blSPL"),
            tee: try level(ExtensionOID.tee, "teeSPL"),
            snp: try level(ExtensionOID.snp, "snpSPL"),
            microcode: try level(ExtensionOID.microcode, "ucodeSPL")
        )
        hardwareID = extensions[oid: ExtensionOID.hardwareID].map { Self.octets($0.value) }
        cspID = try extensions[oid: ExtensionOID.cspID].map { try Self.string($0.value) }
        if kind == .vcek, hardwareID == nil {
            throw SNPError(.malformedCollateral, "VCEK certificate lacks the hwID extension")
        }
    }

    /// The product named by the productName extension, if it names a known one.
    public var product: SNPProduct? { productName.flatMap(SNPProduct.init(productName:)) }

    /// The TCB levels are small DER INTEGERs (0–255) inside the extension's OCTET STRING.
    private static func level(_ value: ArraySlice<UInt8>, name: String) throws -> UInt8 {
        guard let node = try? DER.parse(value), let integer = try? Int(derEncoded: node), (0...255).contains(integer) else {
            throw SNPError(.malformedCollateral, "\(name) extension is not an INTEGER in 0...255: \(Hex.encode(value))")
        }
        return UInt8(integer)
    }

    /// Real AMD VCEKs hold the hwID as raw bytes, not as a DER OCTET STRING; accept both.
    private static func octets(_ value: ArraySlice<UInt8>) -> [UInt8] {
        if value.count != 64, value.count != 8, let node = try? DER.parse(value), let octets = try? ASN1OctetString(derEncoded: node) {
            return Array(octets.bytes)
        }
        return Array(value)
    }

    /// Strings (productName, CSP ID) are IA5Strings inside the OCTET STRING.
    private static func string(_ value: ArraySlice<UInt8>) throws -> String {
        if let node = try? DER.parse(value), case .primitive(let content) = node.content,
           let text = String(validating: content, as: UTF8.self) {
            return text
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw SNPError(.malformedCollateral, "string extension is neither IA5String nor text: \(Hex.encode(value))")
        }
        return text
    }
}
