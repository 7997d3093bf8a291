import HermeticCore
import InitData
import SEVSNP
import TDX
import TPM

/// The agent's init-data gate at boot: the init-data it was given must be the one its platform measured, or it
/// does not serve.
///
/// - vTPM: PCR 8 (SHA-256). If it is all zero the agent is the first writer and extends it with the digest; then
///   PCR 8 must equal `sha256(0^32 ‖ digest)`, the value Trustee's verifiers require.
/// - SEV-SNP: the report's HOST_DATA must equal the digest fitted to 32 bytes.
/// - TDX: the quote's MRCONFIGID must equal the digest fitted to 48 bytes.
public enum InitDataCheck {
    /// What the check found.
    public enum Outcome: Sendable, Hashable {
        /// PCR 8 was zero and the agent extended it; it now holds the binding.
        case extendedPCR8
        /// The binding was already there.
        case matched
    }

    /// Checks on a TPM.
    ///
    /// - Throws: ``GuestAttesterError`` (`mismatch`) naming the PCR 8 found and expected, or the TPM's error.
    public static func check(_ initData: InitData, tpm transport: @Sendable () throws -> any TPMTransport) throws -> Outcome {
        let expected = try initData.pcr8()
        let client = TPMClient(transport: try transport())
        let selection = PCRSelection([.init(hash: .sha256, pcrs: [8])])
        var outcome = Outcome.matched
        var value = try client.pcrRead(selection)[.sha256, 8] ?? []
        if value.count == 32, value.allSatisfy({ $0 == 0 }) {
            try client.pcrExtend(8, digests: [(.sha256, initData.digest)])
            value = try client.pcrRead(selection)[.sha256, 8] ?? []
            outcome = .extendedPCR8
        }
        guard ConstantTime.equals(value, expected) else {
            throw GuestAttesterError(.mismatch, "PCR 8 is \(Hex.encode(value)); this init-data binds \(Hex.encode(expected))")
        }
        return outcome
    }

    /// Checks an SNP report's HOST_DATA.
    public static func check(_ initData: InitData, snpReport report: AttestationReport) throws(GuestAttesterError) -> Outcome {
        guard ConstantTime.equals(report.hostData, initData.snpHostData) else {
            throw GuestAttesterError(.mismatch, "HOST_DATA is \(Hex.encode(report.hostData)); this init-data binds \(Hex.encode(initData.snpHostData))")
        }
        return .matched
    }

    /// Checks a TDX quote's MRCONFIGID.
    public static func check(_ initData: InitData, tdxQuote bytes: [UInt8]) throws -> Outcome {
        guard case .td(let body) = try Quote(bytes: bytes).body else { throw GuestAttesterError(.malformedReport, "the quote carries no TD report") }
        guard ConstantTime.equals(body.mrConfigID, initData.tdxMRConfigID) else {
            throw GuestAttesterError(.mismatch, "MRCONFIGID is \(Hex.encode(body.mrConfigID)); this init-data binds \(Hex.encode(initData.tdxMRConfigID))")
        }
        return .matched
    }
}
