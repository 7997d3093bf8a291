#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore
import PKI

/// The collateral a user hands the verifier: endorsement keys, replacement roots, CRLs and offline VCEK stores.
///
/// Everything here is trusted as the user's own decision: a chain given here replaces the bundled AMD roots of its
/// product. Certificates that arrive inside evidence are kept apart (``SNPEvidence/certificates``).
public struct SNPCollateral: Sendable {
    /// VCEK and VLEK certificates.
    public var endorsementKeys: [X509Certificate] = []
    /// ARK, ASK and ASVK certificates that replace the bundled roots of their products.
    public var rootOverrides: [X509Certificate] = []
    /// Certificate revocation lists (AMD's are issued by the ARK).
    public var crls: [CertificateRevocationList] = []
    /// Sources of VCEKs by KDS URL, tried in order (offline stores first).
    public var fetchers: [any CollateralFetcher] = []

    /// Creates empty collateral.
    public init() {}

    /// Loads collateral from files and directories.
    ///
    /// A file may hold a VCEK or VLEK (DER or PEM), a chain (ASK+ARK or ASVK+ARK, PEM), or a CRL (DER or PEM). A
    /// directory is read file by file; if it has a `vcek/` subdirectory, that part is used as an
    /// ``OfflineVCEKStore``.
    ///
    /// - Throws: ``SNPError`` `.malformedCollateral` naming the file that cannot be read or recognised.
    public static func load(paths: [String]) throws -> SNPCollateral {
        var collateral = SNPCollateral()
        for path in paths {
            guard let kind = FileKind.of(path) else {
                throw SNPError(.malformedCollateral, "collateral \(path) does not exist")
            }
            if kind == .directory {
                try collateral.addDirectory(URL(fileURLWithPath: path))
            } else {
                try collateral.add(file: URL(fileURLWithPath: path))
            }
        }
        return collateral
    }

    /// Adds the objects in one file.
    public mutating func add(file: URL) throws {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: file)) } catch {
            throw SNPError(.malformedCollateral, "cannot read collateral \(file.path): \(error)")
        }
        do {
            try add(bytes: bytes)
        } catch let error as SNPError {
            throw SNPError(.malformedCollateral, "\(file.lastPathComponent): \(error.message)")
        }
    }

    /// Adds the objects in `bytes`: certificates and CRLs, DER or PEM.
    public mutating func add(bytes: [UInt8]) throws {
        let documents: [[UInt8]]
        do {
            documents = try PEMFile.derDocuments(in: bytes, labels: ["CERTIFICATE", "X509 CRL"])
        } catch {
            throw SNPError(.malformedCollateral, "\(error)")
        }
        guard !documents.isEmpty else { throw SNPError(.malformedCollateral, "holds no certificate or CRL") }
        for der in documents {
            let certificate: X509Certificate
            do {
                certificate = try X509Certificate(derEncoded: der)
            } catch {
                guard let crl = try? CertificateRevocationList(derEncoded: der) else {
                    throw SNPError(.malformedCollateral, "is neither a certificate nor a CRL: \(error)")
                }
                crls.append(crl)
                continue
            }
            let name = certificate.subject.commonName ?? ""
            if name.hasSuffix("VCEK") || name.hasSuffix("VLEK") {
                endorsementKeys.append(certificate)
            } else {
                rootOverrides.append(certificate)
            }
        }
    }

    private mutating func addDirectory(_ directory: URL) throws {
        if OfflineVCEKStore.isStore(directory) {
            fetchers.append(OfflineVCEKStore(root: directory))
        }
        let storePath = directory.appendingPathComponent("vcek").standardizedFileURL.path
        guard let walker = try? FileManager.default.subpathsOfDirectory(atPath: directory.path) else {
            throw SNPError(.malformedCollateral, "cannot list \(directory.path)")
        }
        var files: [URL] = []
        for subpath in walker {
            let file = directory.appendingPathComponent(subpath)
            let path = file.standardizedFileURL.path
            guard !path.hasPrefix(storePath + "/"), !file.lastPathComponent.hasPrefix("."),
                  FileKind.of(file.path, followingLinks: false) == .regular
            else { continue }
            files.append(file)
        }
        for file in files.sorted(by: { $0.path < $1.path }) where Self.looksLikeCollateral(file) {
            try add(file: file)
        }
    }

    /// Files a directory walk considers: certificates and CRLs by extension.
    private static func looksLikeCollateral(_ file: URL) -> Bool {
        ["der", "pem", "crt", "cer", "crl", "cert"].contains(file.pathExtension.lowercased())
    }
}
