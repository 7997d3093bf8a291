#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI

/// The collateral a DCAP quote is verified against, as the operator supplies it: TCB infos (several platforms
/// may be present; the one matching the PCK's FMSPC is used), QE identities, CRLs and the issuer certificates
/// that sign them.
///
/// Two forms are read (``load(paths:)``): a directory of Intel PCS v4 responses, and dcap-qvl's
/// `QuoteCollateralV3` JSON. Certificates here are never trust anchors: every one must chain to the Intel root.
public struct DCAPCollateral: Sendable {
    /// TCB infos, for any number of FMSPCs.
    public var tcbInfos: [TCBInfo]
    /// QE identities (`QE`, `TD_QE`).
    public var qeIdentities: [QEIdentity]
    /// PCK CRLs (platform, processor) and root CA CRLs.
    public var crls: [CertificateRevocationList]
    /// Issuer chain certificates: TCB signing, PCK platform and processor CAs, the root.
    public var certificates: [X509Certificate]

    /// Creates collateral from its parts.
    public init(tcbInfos: [TCBInfo] = [], qeIdentities: [QEIdentity] = [], crls: [CertificateRevocationList] = [], certificates: [X509Certificate] = []) {
        self.tcbInfos = tcbInfos
        self.qeIdentities = qeIdentities
        self.crls = crls
        self.certificates = certificates
    }

    /// Adds `other`'s items.
    public mutating func merge(_ other: DCAPCollateral) {
        tcbInfos += other.tcbInfos
        qeIdentities += other.qeIdentities
        crls += other.crls
        certificates += other.certificates.filter { !certificates.contains($0) }
    }

    /// Reads collateral files and directories.
    ///
    /// Each file is recognised by its content, so PCS file names do not matter: a JSON object with `tcbInfo` or
    /// `enclaveIdentity` (a PCS response), a JSON object with `tcb_info` and `qe_identity` (dcap-qvl), PEM
    /// certificates or CRLs (also URL-encoded, as in PCS's `*-Issuer-Chain` headers), or DER. Inside a directory,
    /// binary files that are neither a certificate nor a CRL are skipped (a quote may sit beside its collateral).
    ///
    /// - Throws: ``TDXError`` `.malformedCollateral` naming the file that cannot be read.
    public static func load(paths: [String]) throws -> DCAPCollateral {
        var collateral = DCAPCollateral()
        for path in paths {
            guard let kind = FileKind.of(path) else {
                throw TDXError(.malformedCollateral, "collateral \(path) does not exist")
            }
            if kind == .directory {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                for name in names.sorted() where !name.hasPrefix(".") {
                    let file = path.hasSuffix("/") ? path + name : path + "/" + name
                    collateral.merge(try read(file: file, inDirectory: true))
                }
            } else {
                collateral.merge(try read(file: path, inDirectory: false))
            }
        }
        return collateral
    }

    /// Reads one collateral document from its bytes.
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - name: the file name, for messages.
    /// - Throws: ``TDXError`` `.malformedCollateral` when the content is none of the accepted forms.
    public static func read(_ bytes: [UInt8], name: String) throws -> DCAPCollateral {
        guard let collateral = try classify(bytes, name: name) else {
            throw TDXError(.malformedCollateral, "collateral \(name) is not a TCB info, QE identity, dcap-qvl collateral JSON, certificate or CRL")
        }
        return collateral
    }

    private static func read(file: String, inDirectory: Bool) throws -> DCAPCollateral {
        guard let data = FileManager.default.contents(atPath: file) else {
            if inDirectory { return DCAPCollateral() }
            throw TDXError(.malformedCollateral, "cannot read collateral \(file)")
        }
        if inDirectory { return try classify([UInt8](data), name: file) ?? DCAPCollateral() }
        return try read([UInt8](data), name: file)
    }

    private static func classify(_ bytes: [UInt8], name: String) throws -> DCAPCollateral? {
        let start = bytes.firstIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } ?? bytes.endIndex
        if start < bytes.endIndex, bytes[start] == UInt8(ascii: "{") {
            return try json(Array(bytes[start...]), name: name)
        }
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
            let decoded = text.contains("-----BEGIN%20") ? (text.percentDecoded ?? text) : text
            return try pem(Array(decoded.utf8), name: name)
        }
        if let certificate = try? X509Certificate(derEncoded: bytes) {
            return DCAPCollateral(certificates: [certificate])
        }
        if let crl = try? CertificateRevocationList(derEncoded: bytes) {
            return DCAPCollateral(crls: [crl])
        }
        return nil
    }

    private static func json(_ bytes: [UInt8], name: String) throws -> DCAPCollateral? {
        if JSONMemberSpan.range(of: "tcbInfo", in: bytes) != nil {
            return DCAPCollateral(tcbInfos: [try TCBInfo(response: bytes)])
        }
        if JSONMemberSpan.range(of: "enclaveIdentity", in: bytes) != nil {
            return DCAPCollateral(qeIdentities: [try QEIdentity(response: bytes)])
        }
        if JSONMemberSpan.range(of: "tcb_info", in: bytes) != nil {
            return try DCAPQVLCollateral.read(bytes, name: name)
        }
        throw TDXError(.malformedCollateral, "collateral \(name) is JSON but neither a PCS TCB info or QE identity response nor dcap-qvl collateral")
    }

    static func pem(_ bytes: [UInt8], name: String) throws -> DCAPCollateral {
        var collateral = DCAPCollateral()
        do {
            for der in try PEMFile.derDocuments(in: bytes, labels: ["CERTIFICATE"]) {
                collateral.certificates.append(try X509Certificate(derEncoded: der))
            }
            for der in try PEMFile.derDocuments(in: bytes, labels: ["X509 CRL"]) {
                collateral.crls.append(try CertificateRevocationList(derEncoded: der))
            }
        } catch {
            throw TDXError(.malformedCollateral, "collateral \(name): \(error)")
        }
        return collateral
    }
}
