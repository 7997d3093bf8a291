import HermeticCore
import KBSClient
import TPM

/// TPM evidence from a TPM device (`/dev/tpmrm0`) or any ``TPMTransport``: Trustee's `tpm` evidence JSON
/// (`tpm_quote` with the base64 TPMS_ATTEST `message` and TPMT_SIGNATURE `signature`, the 24 SHA-256 PCRs in hex,
/// `ak_public` as base64 SPKI DER), plus `event_log` (base64 of the firmware's TCG log) when the log can be read.
///
/// The quote's qualifying data is the report data fitted to 32 bytes (truncated or zero-padded), Trustee's binding.
/// The AK is the primary key the template derives in the endorsement hierarchy, so it is the same key on every call.
public struct TPMEvidenceSource: EvidenceSource {
    /// Opens a transport for one attestation (the kernel's resource manager flushes our objects when it closes).
    public let transport: @Sendable () throws -> any TPMTransport
    /// The AK template.
    public let template: KeyTemplate
    /// The binary event log (`/sys/kernel/security/tpm0/binary_bios_measurements`), if read.
    public let eventLogPath: String?

    /// Creates a source.
    public init(transport: @escaping @Sendable () throws -> any TPMTransport, template: KeyTemplate = .akRSA,
                eventLogPath: String? = "/sys/kernel/security/tpm0/binary_bios_measurements") {
        self.transport = transport
        self.template = template
        self.eventLogPath = eventLogPath
    }

    /// A source on a device file.
    public static func device(_ path: String = "/dev/tpmrm0", eventLogPath: String? = "/sys/kernel/security/tpm0/binary_bios_measurements") -> TPMEvidenceSource {
        TPMEvidenceSource(transport: { try DeviceTransport(path: path) }, eventLogPath: eventLogPath)
    }

    public var tee: TEE { .tpm }

    /// The quote over SHA-256 PCRs 0–23 with `reportData` as the nonce.
    public func quote(reportData: [UInt8]) throws -> TPMEvidence {
        let nonce = Array((reportData + [UInt8](repeating: 0, count: 32)).prefix(32))
        let client = TPMClient(transport: try transport())
        return try client.attest(ak: template, nonce: nonce, selection: PCRSelection([.init(hash: .sha256, pcrs: Array(0..<24))]))
    }

    public func evidence(reportData: [UInt8]) async throws -> JSONValue {
        let evidence = try quote(reportData: reportData)
        guard let quote = evidence.quotes.first, let key = evidence.attestationKey else {
            throw GuestAttesterError(.malformedReport, "the TPM returned no quote or AK")
        }
        var pcrs: [JSONValue] = []
        for index in 0..<24 {
            guard let value = quote.pcrs[.sha256, index] else { throw GuestAttesterError(.malformedReport, "the TPM returned no SHA-256 PCR \(index)") }
            pcrs.append(.string(Hex.encode(value)))
        }
        var object: [String: JSONValue] = [
            "tpm_quote": .object([
                "signature": .string(Base64.encode(quote.signature.marshaled)), "message": .string(Base64.encode(quote.attest.bytes)),
                "pcrs": .array(pcrs),
            ]),
            "ak_public": .string(Base64.encode(key.spki)),
        ]
        if let eventLogPath, let log = try? GuestFiles.read(eventLogPath) { object["event_log"] = .string(Base64.encode(log)) }
        return .object(object)
    }
}
