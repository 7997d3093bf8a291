import HermeticCore

/// An Intel DCAP quote: SGX (version 3), TDX (version 4, TD 1.0), or TDX 1.5 (version 5, TD 1.0 or TD 1.5 body).
///
/// The quote is read by its declared lengths: header, body (its size fixed by the version, or declared in v5),
/// a u32 signature data length, and that many bytes of signature data. Bytes after the signature data are
/// ignored (quote buffers are often zero-padded; one real quote carries 39 non-zero bytes there).
public struct Quote: Sendable, Hashable {
    /// The report a quote carries.
    public enum Body: Sendable, Hashable {
        /// An SGX enclave report (quote v3, or v5 type 1).
        case sgx(EnclaveReportBody)
        /// A TD report (v4, or v5 type 2 or 3).
        case td(TDReportBody)
    }

    /// The header.
    public let header: QuoteHeader
    /// The body type of a v5 quote (1 SGX, 2 TD 1.0, 3 TD 1.5); `nil` before v5.
    public let bodyType: UInt16?
    /// The body.
    public let body: Body
    /// The bytes the attestation key signed: header, the v5 type and size fields, and the body.
    public let signedBytes: [UInt8]
    /// The signature data.
    public let signatureData: QuoteSignatureData
    /// How many bytes follow the signature data (ignored).
    public let trailingByteCount: Int

    /// Reads a quote.
    ///
    /// - Throws: ``TDXError`` `.malformedQuote` naming the field that does not fit, or `.unsupported` for versions,
    ///   TEE types, key types and certification data this reader does not implement.
    public init(bytes: [UInt8]) throws {
        var cursor = ByteCursor(bytes)
        header = try QuoteHeader(&cursor)
        guard header.attestationKeyType == 2 else {
            throw TDXError(.unsupported, "attestation key type \(header.attestationKeyType), only 2 (ECDSA P-256) is supported")
        }
        switch (header.version, header.teeType) {
        case (3, QuoteHeader.teeTypeSGX):
            bodyType = nil
            body = .sgx(try EnclaveReportBody(&cursor, field: "body"))
        case (4, QuoteHeader.teeTypeTDX):
            bodyType = nil
            body = .td(try TDReportBody(&cursor, td15: false))
        case (5, _):
            let type = try cursor.u16("body.type")
            let size = Int(try cursor.u32("body.size"))
            let expected: Int
            switch (type, header.teeType) {
            case (1, QuoteHeader.teeTypeSGX): expected = EnclaveReportBody.size
            case (2, QuoteHeader.teeTypeTDX): expected = TDReportBody.size10
            case (3, QuoteHeader.teeTypeTDX): expected = TDReportBody.size15
            default:
                throw TDXError(.unsupported, "quote v5 body type \(type) with TEE type 0x\(String(header.teeType, radix: 16))")
            }
            guard size == expected else {
                throw TDXError(.malformedQuote, "quote v5 body type \(type) declares \(size) bytes, expected \(expected)")
            }
            bodyType = type
            body = type == 1 ? .sgx(try EnclaveReportBody(&cursor, field: "body")) : .td(try TDReportBody(&cursor, td15: type == 3))
        default:
            throw TDXError(.unsupported, "quote version \(header.version) with TEE type 0x\(String(header.teeType, radix: 16)) (supported: v3 SGX, v4 and v5 TDX)")
        }
        signedBytes = Array(bytes[0..<cursor.offset])
        let length = Int(try cursor.u32("signature data length"))
        var signature = ByteCursor(try cursor.take(length, "signature data"))
        signatureData = try QuoteSignatureData(&signature, version: header.version)
        trailingByteCount = cursor.remaining
    }

    /// The TD report, for TDX quotes.
    public var tdReport: TDReportBody? {
        if case .td(let report) = body { return report }
        return nil
    }

    /// The enclave report, for SGX quotes.
    public var enclaveReport: EnclaveReportBody? {
        if case .sgx(let report) = body { return report }
        return nil
    }

    /// Whether this is a TDX quote.
    public var isTDX: Bool { header.teeType == QuoteHeader.teeTypeTDX }

    /// The 64 bytes of report data the TD or enclave chose.
    public var reportData: [UInt8] {
        switch body {
        case .sgx(let report): return report.reportData
        case .td(let report): return report.reportData
        }
    }
}
