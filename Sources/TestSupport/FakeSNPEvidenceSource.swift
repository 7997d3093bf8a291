import HermeticCore
import KeyBroker

/// A guest on a ``FakeSNPChip``: fresh real-layout SNP evidence for each challenge, in Trustee's JSON.
public struct FakeSNPEvidenceSource: EvidenceSource {
    /// The chip.
    public let chip: FakeSNPChip

    /// Creates the source.
    public init(chip: FakeSNPChip) { self.chip = chip }

    public var tee: TEE { .snp }

    public func evidence(reportData: [UInt8]) async throws -> JSONValue {
        try chip.trusteeEvidence(reportData: reportData)
    }
}
