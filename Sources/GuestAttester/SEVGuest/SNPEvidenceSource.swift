import HermeticCore
import KBSClient
import SEVSNP

/// SEV-SNP evidence from the guest's own firmware, through configfs-tsm or `/dev/sev-guest`, as Trustee's `snp`
/// evidence JSON (the report and the certificate table's VCEK or VLEK in `cert_chain`).
public struct SNPEvidenceSource: EvidenceSource {
    /// Where reports come from.
    public enum Backend: Sendable {
        /// configfs-tsm with provider `sev_guest`.
        case tsm(TSMReport)
        /// The `/dev/sev-guest` ioctls.
        case sevGuest(SEVGuestReport)
    }

    /// The backend.
    public let backend: Backend

    /// Creates a source.
    public init(backend: Backend) { self.backend = backend }

    public var tee: TEE { .snp }

    /// A parsed report binding `reportData`, with the certificates the host supplied.
    ///
    /// - Throws: ``GuestAttesterError`` from the driver, or `malformedReport` when the bytes are no SNP report or
    ///   certificate table.
    public func report(reportData: [UInt8]) throws(GuestAttesterError) -> SNPEvidence {
        let report: [UInt8], table: [UInt8]
        switch backend {
        case .tsm(let driver):
            let output = try driver.report(inblob: reportData)
            (report, table) = (output.outblob, output.auxblob)
        case .sevGuest(let driver):
            (report, table) = try driver.report(reportData: reportData)
        }
        guard report.count == AttestationReport.size else {
            throw GuestAttesterError(.malformedReport, "the SNP report is \(report.count) bytes, expected \(AttestationReport.size)")
        }
        do {
            var evidence = try SNPEvidence.binary(report)
            if !table.isEmpty, !table.allSatisfy({ $0 == 0 }) { evidence.certificates = try CertificateTable(bytes: table).entries }
            return evidence
        } catch {
            throw GuestAttesterError(.malformedReport, "\(error)")
        }
    }

    public func evidence(reportData: [UInt8]) async throws -> JSONValue {
        try report(reportData: reportData).trusteeJSON()
    }
}
