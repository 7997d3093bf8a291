import Crypto
import Foundation
import HermeticCore
import PKI
import SEVSNP
import SwiftASN1
import _CryptoExtras

/// A fake AMD SEV-SNP chip for tests: its own ARK, ASK and ASVK (RSA-PSS like AMD's), a VCEK and a VLEK (P-384)
/// with the KDS extensions, and reports signed in the real byte layout, so any nonce can be bound into fresh
/// evidence.
///
/// Its roots are not AMD's: a verifier accepts its reports only when ``trustStore`` is passed explicitly.
public struct FakeSNPChip: Sendable {
    /// The product the chip pretends to be.
    public let product: SNPProduct
    /// The chip ID (64 bytes; on Turin only the first 8 are non-zero).
    public let chipID: [UInt8]
    /// The TCB the VCEK and VLEK are issued for, and that reports carry as reported TCB.
    public let tcb: TCBVersion.Components
    /// The ARK certificate.
    public let ark: X509Certificate
    /// The ASK certificate (signs VCEKs).
    public let ask: X509Certificate
    /// The ASVK certificate (signs VLEKs).
    public let asvk: X509Certificate
    /// The VCEK certificate.
    public let vcek: X509Certificate
    /// The VLEK certificate.
    public let vlek: X509Certificate
    let arkKey: _RSA.Signing.PrivateKey
    /// VCEK nonces prepared ahead of time (``precomputingSignatures()``), or nil to sign the ordinary way.
    public private(set) var vcekNonces: PrecomputedECDSANonces?
    let vcekKey: P384.Signing.PrivateKey
    let vlekKey: P384.Signing.PrivateKey

    /// The validity window of every certificate of the fake chain.
    public static let notBefore = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14
    /// The end of the window.
    public static let notAfter = Date(timeIntervalSince1970: 1_900_000_000)  // 2030-03-17
    /// A time inside the window.
    public static let validTime = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15

    /// Creates a chip with fresh keys.
    ///
    /// - Parameters:
    ///   - product: the product line.
    ///   - chipID: the chip ID; a fixed test pattern by default.
    ///   - tcb: the TCB; `fmc` is set for Turin only.
    public init(
        product: SNPProduct = .milan,
        chipID: [UInt8]? = nil,
        tcb: TCBVersion.Components = TCBVersion.Components(bootloader: 3, tee: 0, snp: 8, microcode: 115)
    ) throws {
        self.product = product
        var tcb = tcb
        if product == .turin, tcb.fmc == nil { tcb.fmc = 1 }
        if product != .turin { tcb.fmc = nil }
        self.tcb = tcb
        let id: [UInt8] = chipID ?? (0..<64).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
        self.chipID = product == .turin ? Array(id.prefix(8)) + [UInt8](repeating: 0, count: 56) : id
        let arkKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let askKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let asvkKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        vcekKey = P384.Signing.PrivateKey()
        vlekKey = P384.Signing.PrivateKey()
        self.arkKey = arkKey
        let line = product.rawValue
        let arkName = try TestCertificateBuilder.name(commonName: "ARK-\(line)")
        let askName = try TestCertificateBuilder.name(commonName: "SEV-\(line)")
        let asvkName = try TestCertificateBuilder.name(commonName: "SEV-VLEK-\(line)")
        func issue(_ subject: [UInt8], _ key: TestCertificateBuilder.SigningKey, by issuer: [UInt8], _ issuerKey: _RSA.Signing.PrivateKey,
                   serial: [UInt8], extensions: [TestCertificateBuilder.Extension] = []) throws -> X509Certificate {
            try X509Certificate(derEncoded: TestCertificateBuilder.certificate(
                serial: serial, issuer: issuer, subject: subject, notBefore: Self.notBefore, notAfter: Self.notAfter,
                subjectKey: key, extensions: extensions, signedBy: .rsaPSS(issuerKey)
            ))
        }
        ark = try issue(arkName, .rsaPSS(arkKey), by: arkName, arkKey, serial: [0x01])
        ask = try issue(askName, .rsaPSS(askKey), by: arkName, arkKey, serial: [0x02])
        asvk = try issue(asvkName, .rsaPSS(asvkKey), by: arkName, arkKey, serial: [0x03])
        let productName = product == .milan ? "Milan-B0" : line
        vcek = try issue(
            try TestCertificateBuilder.name(commonName: "SEV-VCEK"), .p384(vcekKey), by: askName, askKey, serial: [0],
            extensions: try Self.kdsExtensions(productName: productName, tcb: tcb)
                + [.init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 4], value: Array(self.chipID.prefix(product.hardwareIDLength)))]
        )
        vlek = try issue(
            try TestCertificateBuilder.name(commonName: "SEV-VLEK"), .p384(vlekKey), by: asvkName, asvkKey, serial: [0],
            extensions: try Self.kdsExtensions(productName: productName, tcb: tcb)
                + [.init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 5], value: try TestCertificateBuilder.ia5StringValue("hermetic-test-csp"))]
        )
    }

    /// A chip from its parts (``load(from:)``).
    init(product: SNPProduct, chipID: [UInt8], tcb: TCBVersion.Components, ark: X509Certificate, ask: X509Certificate, asvk: X509Certificate,
         vcek: X509Certificate, vlek: X509Certificate, arkKey: _RSA.Signing.PrivateKey, vcekKey: P384.Signing.PrivateKey, vlekKey: P384.Signing.PrivateKey) {
        self.product = product
        self.chipID = chipID
        self.tcb = tcb
        self.ark = ark
        self.ask = ask
        self.asvk = asvk
        self.vcek = vcek
        self.vlek = vlek
        self.arkKey = arkKey
        self.vcekKey = vcekKey
        self.vlekKey = vlekKey
    }

    /// A trust store holding this chip's roots only.
    public var trustStore: AMDTrustStore {
        AMDTrustStore(roots: [product: AMDTrustStore.Roots(ark: ark, ask: ask, asvk: asvk)])
    }

    /// The ASK and ARK as one PEM chain, as a user passes it to override the bundled roots.
    public var vcekChainPEM: String { pem(ask) + pem(ark) }

    /// A report template for this chip: version 3 with the product's CPUID, the chip ID and TCBs filled in.
    public func reportTemplate(signer: EndorsementKey.Kind = .vcek) -> AttestationReport {
        var report = AttestationReport()
        report.version = 3
        report.cpuid = switch product {
        case .milan: AttestationReport.CPUID(family: 0x19, model: 0x01, stepping: 1)
        case .genoa: AttestationReport.CPUID(family: 0x19, model: 0x11, stepping: 1)
        case .turin: AttestationReport.CPUID(family: 0x1A, model: 0x02, stepping: 0)
        }
        let packed = TCBVersion(tcb, layout: product.tcbLayout)
        report.currentTCB = packed
        report.reportedTCB = packed
        report.committedTCB = packed
        report.launchTCB = packed
        report.chipID = signer == .vcek ? chipID : [UInt8](repeating: 0, count: 64)
        report.signerInfo = SignerInfo(signingKey: signer == .vcek ? .vcek : .vlek, maskChipKey: signer == .vlek)
        report.platformInfo = PlatformInfo(rawValue: 0x25)
        report.currentVersion = AttestationReport.FirmwareVersion(major: 1, minor: 55, build: 40)
        report.committedVersion = report.currentVersion
        report.measurement = [UInt8](repeating: 0xA5, count: 48)
        return report
    }

    /// A signed report binding `reportData` (zero-padded to 64 bytes) and `hostData`.
    public func report(
        reportData: [UInt8] = [], hostData: [UInt8] = [], signer: EndorsementKey.Kind = .vcek,
        customize: (inout AttestationReport) -> Void = { _ in }
    ) throws -> [UInt8] {
        var report = reportTemplate(signer: signer)
        report.reportData = reportData + [UInt8](repeating: 0, count: max(0, 64 - reportData.count))
        report.hostData = hostData + [UInt8](repeating: 0, count: max(0, 32 - hostData.count))
        customize(&report)
        return try sign(report, with: signer)
    }

    /// `report` signed by this chip's VCEK or VLEK: ECDSA P-384 over bytes 0x000–0x29F, r and s little-endian.
    public func sign(_ report: AttestationReport, with signer: EndorsementKey.Kind = .vcek) throws -> [UInt8] {
        var report = report
        report.signature = AttestationReport.Signature()
        let unsigned = report.encoded()
        let key = signer == .vcek ? vcekKey : vlekKey
        let digest = SHA384.hash(data: unsigned[AttestationReport.signedRange])
        let precomputed = signer == .vcek ? vcekNonces?.signature(for: digest) : nil
        let raw = try precomputed ?? [UInt8](key.signature(for: digest).rawRepresentation)
        report.signature = AttestationReport.Signature(
            r: Array(raw[0..<48].reversed()) + [UInt8](repeating: 0, count: 24),
            s: Array(raw[48..<96].reversed()) + [UInt8](repeating: 0, count: 24)
        )
        return report.encoded()
    }

    /// This chip with an empty pool of VCEK nonces: once ``PrecomputedECDSANonces/fill(upTo:)`` has filled it,
    /// each VCEK signature takes a prepared nonce instead of a scalar multiplication, as when the Secure Processor,
    /// not the measured cores, does the signing. Reports verify exactly as before.
    public func precomputingSignatures() -> FakeSNPChip {
        var chip = self
        chip.vcekNonces = PrecomputedECDSANonces(for: vcekKey)
        return chip
    }

    /// A CRL issued by this chip's ARK.
    public func crl(revoking certificates: [X509Certificate], thisUpdate: Date, nextUpdate: Date) throws -> [UInt8] {
        try TestCertificateBuilder.crl(
            issuer: Array(ark.subject.derBytes), thisUpdate: thisUpdate, nextUpdate: nextUpdate,
            revokedSerials: certificates.map { Array($0.serialNumber) }, revokedAt: thisUpdate, signedBy: .rsaPSS(arkKey)
        )
    }

    private static func kdsExtensions(productName: String, tcb: TCBVersion.Components) throws -> [TestCertificateBuilder.Extension] {
        var extensions: [TestCertificateBuilder.Extension] = [
            .init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 1], value: try TestCertificateBuilder.integerValue(1)),
            .init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 2], value: try TestCertificateBuilder.ia5StringValue(productName)),
            .init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 3, 1], value: try TestCertificateBuilder.integerValue(Int(tcb.bootloader))),
            .init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 3, 2], value: try TestCertificateBuilder.integerValue(Int(tcb.tee))),
            .init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 3, 3], value: try TestCertificateBuilder.integerValue(Int(tcb.snp))),
            .init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 3, 8], value: try TestCertificateBuilder.integerValue(Int(tcb.microcode))),
        ]
        if let fmc = tcb.fmc {
            extensions.append(.init(oid: [1, 3, 6, 1, 4, 1, 3704, 1, 3, 9], value: try TestCertificateBuilder.integerValue(Int(fmc))))
        }
        return extensions
    }

    private func pem(_ certificate: X509Certificate) -> String { TestCertificateBuilder.pem(certificate: Array(certificate.derBytes)) }
}

extension FakeSNPChip {
    /// Fresh Trustee-format `snp` evidence (the JSON a CoCo guest sends) binding `reportData`, with the VCEK in
    /// `cert_chain`, as a guest on this chip would produce for a challenge.
    public func trusteeEvidence(reportData: [UInt8], hostData: [UInt8] = []) throws -> JSONValue {
        var evidence = try SNPEvidence.binary(try report(reportData: reportData, hostData: hostData))
        evidence.certificates = [CertificateTable.Entry(kind: .vcek, der: Array(vcek.derBytes))]
        return try evidence.trusteeJSON()
    }
}

extension FakeSNPChip {
    /// The reference values Trustee's default CPU policy reads for SEV-SNP, set to what this chip's reports carry
    /// (the template's launch measurement and the chip's TCB), so its evidence appraises as affirming.
    public var trusteeReferenceValues: [String: JSONValue] {
        [
            "snp_launch_measurement": .array([.string(Hex.encode(reportTemplate().measurement))]),
            "snp_bootloader": .array([.int(Int64(tcb.bootloader))]), "snp_microcode": .array([.int(Int64(tcb.microcode))]),
            "snp_snp_svn": .array([.int(Int64(tcb.snp))]), "snp_tee_svn": .array([.int(Int64(tcb.tee))]),
        ]
    }
}
