import HermeticCore

/// SEV-SNP evidence as a verifier receives it: a report, the exact bytes its signature covers, and any
/// certificates that came with it.
///
/// Three forms are read (``parse(_:)``): the raw 1184-byte report, optionally followed by the extended-report
/// certificate table; the same as hexadecimal text; and Trustee's `snp` evidence JSON.
public struct SNPEvidence: Sendable {
    /// The parsed report.
    public var report: AttestationReport
    /// The 1184 bytes of the report as received, or as rebuilt exactly from JSON fields.
    public var reportBytes: [UInt8]
    /// Certificates and CRLs carried in the evidence. They are untrusted: only endorsement keys are taken from them,
    /// and those must chain to a trusted root.
    public var certificates: [CertificateTable.Entry]

    /// Wraps a parsed report.
    public init(report: AttestationReport, certificates: [CertificateTable.Entry] = []) {
        self.report = report
        self.reportBytes = report.encoded()
        self.certificates = certificates
    }

    /// Reads evidence in any of the accepted forms.
    ///
    /// - Throws: ``SNPError`` `.malformedReport` or `.malformedEvidence` naming what is wrong.
    public static func parse(_ bytes: [UInt8]) throws -> SNPEvidence {
        let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if trimmed.first == UInt8(ascii: "{") {
            return try TrusteeSNPEvidence.decode(Array(trimmed))
        }
        if bytes.count >= AttestationReport.size * 2, let text = String(validating: bytes, as: UTF8.self),
           let decoded = Hex.decode(text) {
            return try binary(decoded)
        }
        return try binary(bytes)
    }

    /// Reads Trustee's `snp` evidence JSON that has already been parsed.
    ///
    /// - Throws: ``SNPError`` `.malformedEvidence` naming what is wrong.
    public static func parse(json document: JSONValue) throws -> SNPEvidence {
        try TrusteeSNPEvidence.decode(document)
    }

    /// Reads a binary report, optionally followed by a certificate table.
    public static func binary(_ bytes: [UInt8]) throws -> SNPEvidence {
        guard bytes.count >= AttestationReport.size else {
            throw SNPError(.malformedReport, "report is \(bytes.count) bytes, expected \(AttestationReport.size)")
        }
        let reportBytes = Array(bytes.prefix(AttestationReport.size))
        let report = try AttestationReport(bytes: reportBytes)
        var certificates: [CertificateTable.Entry] = []
        let rest = Array(bytes.dropFirst(AttestationReport.size))
        if !rest.isEmpty {
            guard !rest.allSatisfy({ $0 == 0 }) else {
                throw SNPError(.malformedReport, "report is \(bytes.count) bytes, expected \(AttestationReport.size)")
            }
            do {
                certificates = try CertificateTable(bytes: rest).entries
            } catch let error as SNPError {
                throw SNPError(.malformedReport, "report is \(bytes.count) bytes, expected \(AttestationReport.size), and the rest is no certificate table (\(error.message))")
            }
        }
        var evidence = SNPEvidence(report: report, certificates: certificates)
        evidence.reportBytes = reportBytes
        return evidence
    }
}
