#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PKI

/// What the operator trusts to sign quotes: attestation keys named directly, and roots for AK certificates.
public struct AKTrust: Sendable {
    /// Keys trusted as they are (SPKI, TPM2B_PUBLIC).
    public var keys: [AttestationKey]
    /// AK certificates the operator supplies.
    public var certificates: [X509Certificate]
    /// Roots an AK certificate may chain to (the operator's, never the evidence's).
    public var roots: [X509Certificate]
    /// Public areas of keys an AK was created under (an EK, for `tpm2_createak -C EK`), for its qualified name.
    public var parents: [PublicArea]

    /// Creates a trust set.
    public init(keys: [AttestationKey] = [], certificates: [X509Certificate] = [], roots: [X509Certificate] = [], parents: [PublicArea] = []) {
        self.keys = keys
        self.certificates = certificates
        self.roots = roots
        self.parents = parents
    }

    /// Reads collateral files: each is an attestation key (SPKI PEM/DER or TPM2B_PUBLIC) or certificates (PEM or
    /// DER). Self-signed certificates are roots; the others are AK or intermediate certificates. A TPM2B_PUBLIC of
    /// a restricted decryption key (an EK or other storage key) is a parent, not an AK.
    ///
    /// - Throws: ``TPMError`` (`collateral_format`) naming a file that is none of these.
    public init(files: [(name: String, bytes: [UInt8])], rootFiles: [(name: String, bytes: [UInt8])] = []) throws {
        self.init()
        for file in files {
            if let certificates = try? Self.certificates(in: file.bytes), !certificates.isEmpty {
                for certificate in certificates {
                    if certificate.issuer == certificate.subject, let key = try? certificate.publicKey(), certificate.isSigned(by: key) {
                        roots.append(certificate)
                    } else {
                        self.certificates.append(certificate)
                    }
                }
                continue
            }
            if let area = try? PublicArea(bytes: file.bytes), area.isRestricted, area.isDecrypting, !area.isSigning {
                parents.append(area)
                continue
            }
            do { keys.append(try AttestationKey(file: file.bytes)) } catch let error as TPMError {
                throw TPMError(.malformedCollateral, "\(file.name): \(error.message)")
            }
        }
        for file in rootFiles {
            guard let certificates = try? Self.certificates(in: file.bytes), !certificates.isEmpty else {
                throw TPMError(.malformedCollateral, "\(file.name): no certificate")
            }
            roots += certificates
        }
    }

    static func certificates(in bytes: [UInt8]) throws -> [X509Certificate] {
        try PEMFile.derDocuments(in: bytes, labels: ["CERTIFICATE"]).map { try X509Certificate(derEncoded: $0) }
    }

    /// Whether the trust set says anything at all.
    public var isEmpty: Bool { keys.isEmpty && roots.isEmpty }

    /// The key to verify with, and how it was established.
    ///
    /// - Parameters:
    ///   - evidenceKey: the key the evidence names, if any.
    ///   - evidenceCertificate: the AK certificate the evidence carries, if any.
    ///   - evidenceIntermediates: further certificates from the evidence (never roots).
    ///   - time: the instant at which certificates must be valid.
    /// - Returns: the key and the AK certificate that vouched for it, if a certificate did.
    /// - Throws: ``TPMError``: `attestation_key` when the evidence names a key the operator did not,
    ///   `certificate_chain` when a certificate does not chain, `collateral_unavailable` when nothing is trusted.
    public func resolve(evidenceKey: AttestationKey?, evidenceCertificate: [UInt8]?, evidenceIntermediates: [[UInt8]], at time: Date)
        throws -> (AttestationKey, X509Certificate?)
    {
        if !keys.isEmpty {
            if let evidenceKey {
                guard keys.contains(evidenceKey) else {
                    throw TPMError(.attestationKey, "the evidence's attestation key is not one of the \(keys.count) given as collateral")
                }
                return (evidenceKey, nil)
            }
            if keys.count == 1, let key = keys.first { return (key, nil) }
            throw TPMError(.attestationKey, "\(keys.count) attestation keys were given and the evidence does not say which signed it")
        }
        guard !roots.isEmpty else {
            throw TPMError(.collateralUnavailable, "no attestation key to trust: pass the AK (SPKI or TPM2B_PUBLIC) as collateral, or a root for its certificate")
        }
        var leaf: X509Certificate?
        if let evidenceCertificate {
            do { leaf = try X509Certificate(derEncoded: evidenceCertificate) } catch {
                throw TPMError(.malformedEvidence, "AK certificate: \(error)")
            }
        } else if let evidenceKey {
            leaf = certificates.first { $0.subjectPublicKeyInfo.elementsEqual(evidenceKey.spki) }
        } else {
            leaf = certificates.first
        }
        guard let leaf else {
            throw TPMError(.collateralUnavailable, "a root was given but no AK certificate (in the evidence or as collateral)")
        }
        var pool = certificates
        for der in evidenceIntermediates { if let certificate = try? X509Certificate(derEncoded: der) { pool.append(certificate) } }
        try AKCertificateChain.verify(leaf: leaf, intermediates: pool, roots: roots, at: time)
        let key: AttestationKey
        do { key = try AttestationKey(spki: Array(leaf.subjectPublicKeyInfo)) } catch {
            throw TPMError(.certificateChain, "AK certificate's key: \(error)")
        }
        if let evidenceKey, evidenceKey != key {
            throw TPMError(.attestationKey, "the evidence's attestation key differs from the key in its AK certificate")
        }
        return (key, leaf)
    }
}
