import Foundation
import HermeticCore
import PKI
import TPM

/// Azure confidential VM evidence: the HCL report, the vTPM quote (TPMS_ATTEST with a raw RSASSA-SHA256 signature
/// and the 24 SHA-256 PCRs), and for SNP the VCEK.
///
/// Read from Trustee's `az-snp-vtpm`/`az-tdx-vtpm` evidence JSON: version 0 (`report`, `quote`, `vcek` with byte
/// arrays and PEM) and versions 1 and 2 (`version`, `hcl_report` base64, `tpm_quote` with hex fields, `vcek` base64
/// DER; TDX: `td_quote`).
public struct AzureVTPMEvidence: Sendable {
    /// The HCL report.
    public let hclReport: HCLReport
    /// The vTPM quote.
    public let quote: TPMQuote
    /// The VCEK (DER), for SNP.
    public let vcek: [UInt8]?
    /// The TD quote, for TDX.
    public let tdQuote: [UInt8]?

    /// Parses Trustee's evidence JSON.
    ///
    /// - Throws: ``TPMError`` (`evidence_format`) naming the field that does not parse.
    public static func parse(_ bytes: [UInt8]) throws -> AzureVTPMEvidence {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), json.objectValue != nil else {
            throw TPMError(.malformedEvidence, "Azure evidence is not a JSON object")
        }
        if json["hcl_report"] != nil {
            let report = try decode(json["hcl_report"], "hcl_report", base64: true)
            let tpm = json["tpm_quote"]
            let quote = try makeQuote(message: try decode(tpm?["message"], "tpm_quote.message"),
                                      signature: try decode(tpm?["signature"], "tpm_quote.signature"), pcrs: tpm?["pcrs"])
            let vcek = try json["vcek"].map { try decode($0, "vcek", base64: true) }
            let tdQuote = try json["td_quote"].map { try decode($0, "td_quote", base64: true) }
            return AzureVTPMEvidence(hclReport: try HCLReport(bytes: report), quote: quote, vcek: vcek, tdQuote: tdQuote)
        }
        guard json["report"] != nil, let tpm = json["quote"] else {
            throw TPMError(.malformedEvidence, "Azure evidence has neither hcl_report (v1/v2) nor report and quote (v0)")
        }
        let quote = try makeQuote(message: try decode(tpm["message"], "quote.message"), signature: try decode(tpm["signature"], "quote.signature"), pcrs: tpm["pcrs"])
        var vcek: [UInt8]?
        if let text = json["vcek"]?.stringValue {
            vcek = try? PEMFile.derDocuments(in: Array(text.utf8), labels: ["CERTIFICATE"]).first
            guard vcek != nil else { throw TPMError(.malformedEvidence, "vcek is not a PEM certificate") }
        }
        let tdQuote = try json["td_quote"].map { try decode($0, "td_quote") }
        return AzureVTPMEvidence(hclReport: try HCLReport(bytes: try decode(json["report"], "report")), quote: quote, vcek: vcek, tdQuote: tdQuote)
    }

    /// Bytes from a JSON array of numbers, a hex string, or (when `base64`) a base64 string.
    static func decode(_ value: JSONValue?, _ name: String, base64: Bool = false) throws -> [UInt8] {
        if let array = value?.arrayValue {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(array.count)
            for item in array {
                guard let number = item.intValue, (0...255).contains(number) else { throw TPMError(.malformedEvidence, "\(name) is not a byte array") }
                bytes.append(UInt8(number))
            }
            return bytes
        }
        guard let text = value?.stringValue else { throw TPMError(.malformedEvidence, "\(name) is missing") }
        if !base64, let bytes = Hex.decode(text) { return bytes }
        if let bytes = Base64.decode(text) { return bytes }
        throw TPMError(.malformedEvidence, "\(name) is neither hex nor base64")
    }

    static func makeQuote(message: [UInt8], signature: [UInt8], pcrs: JSONValue?) throws -> TPMQuote {
        guard let list = pcrs?.arrayValue else { throw TPMError(.malformedEvidence, "the vTPM quote's pcrs are missing") }
        var values = PCRBanks()
        for (index, item) in list.enumerated() {
            let value = try decode(item, "pcrs[\(index)]")
            guard value.count == 32 else { throw TPMError(.malformedEvidence, "pcrs[\(index)] is not 32 bytes") }
            values[.sha256, index] = value
        }
        // Azure's vTPM quotes carry the bare RSASSA-PKCS1-v1_5 signature; the AK signs with SHA-256.
        return TPMQuote(attest: try Attest(bytes: message), signature: Signature(hash: .sha256, value: .rsassa(signature)), pcrs: values)
    }
}

extension AzureVTPMEvidence {
    /// Reads the raw files Trustee's test data keeps: the HCL report, the vTPM quote in Rust bincode (u64 length and
    /// signature, u64 length and TPMS_ATTEST, u64 count and that many 32-byte SHA-256 PCRs, little-endian), and the
    /// VCEK (PEM or DER) for SNP, or the TD quote (`td-quote.bin`) for TDX.
    ///
    /// - Throws: ``TPMError`` (`evidence_format`) naming the part that does not parse.
    public static func raw(hclReport: [UInt8], quote: [UInt8], vcek: [UInt8]?, tdQuote: [UInt8]? = nil) throws -> AzureVTPMEvidence {
        var offset = 0
        func u64(_ field: String) throws -> Int {
            guard offset + 8 <= quote.count else { throw TPMError(.malformedEvidence, "quote.bin: \(field) is truncated") }
            defer { offset += 8 }
            let value = quote[offset..<offset + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard value <= UInt64(quote.count) else { throw TPMError(.malformedEvidence, "quote.bin: \(field) \(value) exceeds the file") }
            return Int(value)
        }
        func take(_ count: Int, _ field: String) throws -> [UInt8] {
            guard count <= quote.count - offset else { throw TPMError(.malformedEvidence, "quote.bin: \(field) is truncated") }
            defer { offset += count }
            return Array(quote[offset..<offset + count])
        }
        let signature = try take(try u64("signature length"), "signature")
        let message = try take(try u64("message length"), "message")
        let count = try u64("PCR count")
        let pcrs = try (0..<count).map { JSONValue.string(Hex.encode(try take(32, "PCR \($0)"))) }
        let certificate = try vcek.map { bytes -> [UInt8] in
            guard let der = try? PEMFile.derDocuments(in: bytes, labels: ["CERTIFICATE"]).first else {
                throw TPMError(.malformedEvidence, "vcek is not a certificate")
            }
            return der
        }
        return AzureVTPMEvidence(hclReport: try HCLReport(bytes: hclReport), quote: try makeQuote(message: message, signature: signature, pcrs: .array(pcrs)),
                                 vcek: certificate, tdQuote: tdQuote)
    }

    /// Trustee's evidence JSON, version 1, for this evidence (what the raw files become for `hermetic verify`).
    public func trusteeJSON(hclReportBytes: [UInt8]) -> JSONValue {
        var object: [String: JSONValue] = [
            "version": .string("1"),
            "hcl_report": .string(Base64.encodeURL(hclReportBytes)),
            "tpm_quote": .object([
                "message": .string(Hex.encode(quote.attest.bytes)),
                "signature": .string(Hex.encode(quote.signature.rawValue)),
                "pcrs": .array((0..<24).compactMap { quote.pcrs[.sha256, $0].map { .string(Hex.encode($0)) } }),
            ]),
        ]
        if let vcek { object["vcek"] = .string(Base64.encode(vcek)) }
        if let tdQuote { object["td_quote"] = .string(Base64.encode(tdQuote)) }
        return .object(object)
    }
}

extension Signature {
    /// The bare signature bytes (RSA) or r ‖ s (ECDSA).
    var rawValue: [UInt8] {
        switch value {
        case .rsassa(let sig), .rsapss(let sig): return sig
        case .ecdsa(let r, let s): return r + s
        }
    }
}
