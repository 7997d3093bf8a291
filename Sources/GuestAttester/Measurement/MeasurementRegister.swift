import Crypto
import TPM

/// A register runtime measurements are extended into: a TPM PCR (``TPMPCRRegister``), or TDX's RTMR3
/// (``TDXRTMRRegister``).
public protocol MeasurementRegister: Sendable {
    /// The hash the register uses (its AAEL `INIT/<alg>` name is ``AAELAlgorithm``).
    var algorithm: AAELAlgorithm { get }
    /// The register's current value.
    func read() throws -> [UInt8]
    /// Extends the register with `digest`.
    func extend(_ digest: [UInt8]) throws
}

/// The hashes an AAEL may name in its INIT entry.
public enum AAELAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// SHA-256 (a TPM's SHA-256 bank).
    case sha256
    /// SHA-384 (TDX RTMRs).
    case sha384
    /// SHA-512.
    case sha512

    /// The digest size in bytes.
    public var size: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The TCG algorithm id (`TPM_ALG_ID`) an event log names it by.
    public var tcgAlgorithmID: UInt16 {
        switch self {
        case .sha256: 0x000B
        case .sha384: 0x000C
        case .sha512: 0x000D
        }
    }

    /// The hash of `bytes`.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        }
    }
}

/// A PCR of a TPM's SHA-256 bank.
///
/// guest-components extends runtime measurements into PCR 17 by default, which a TPM only lets locality 2–4 extend:
/// from `/dev/tpmrm0` (locality 0) that fails with TPM_RC_LOCALITY, on swtpm as on a vTPM. The agent therefore uses
/// PCR 15 by default: not resettable, extendable at locality 0, and written by nothing else in this guest (no IMA,
/// no systemd-stub, no shim). TDX does not use a PCR number: ``TDXRTMRRegister`` is RTMR3 (guest-components' PCR 17),
/// since PCR 15 would map to RTMR2, which holds the kernel command line and initrd.
public struct TPMPCRRegister: MeasurementRegister {
    /// The default runtime-measurement PCR.
    public static let defaultRuntimePCR = 15
    /// Opens a transport per operation.
    public let transport: @Sendable () throws -> any TPMTransport
    /// The PCR index.
    public let pcr: Int

    /// Creates a register.
    public init(pcr: Int = defaultRuntimePCR, transport: @escaping @Sendable () throws -> any TPMTransport) {
        self.pcr = pcr
        self.transport = transport
    }

    public var algorithm: AAELAlgorithm { .sha256 }

    public func read() throws -> [UInt8] {
        let values = try TPMClient(transport: try transport()).pcrRead(PCRSelection([.init(hash: .sha256, pcrs: [pcr])]))
        guard let value = values[.sha256, pcr] else { throw GuestAttesterError(.io, "the TPM returned no SHA-256 PCR \(pcr)") }
        return value
    }

    public func extend(_ digest: [UInt8]) throws {
        try TPMClient(transport: try transport()).pcrExtend(pcr, digests: [(.sha256, digest)])
    }
}
