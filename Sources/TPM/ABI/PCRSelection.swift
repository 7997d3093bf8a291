/// A TPML_PCR_SELECTION: the PCRs of each bank a quote covers, in the order the TPM hashes them.
public struct PCRSelection: Sendable, Hashable {
    /// One TPMS_PCR_SELECTION: a bank and the PCR indices selected in it, ascending.
    public struct Bank: Sendable, Hashable {
        /// The bank's hash algorithm.
        public var hash: TPMAlgorithm
        /// The selected PCR indices, ascending.
        public var pcrs: [Int]
        /// The bitmap size in bytes as marshaled (3 for 24 PCRs).
        public var sizeOfSelect: Int

        /// Creates a bank selection.
        public init(hash: TPMAlgorithm, pcrs: [Int], sizeOfSelect: Int = 3) {
            self.hash = hash
            self.pcrs = Array(Set(pcrs)).sorted()
            self.sizeOfSelect = max(sizeOfSelect, ((self.pcrs.last ?? 0) / 8) + 1)
        }
    }

    /// The banks in marshaled order.
    public var banks: [Bank]

    /// Creates a selection.
    public init(_ banks: [Bank]) { self.banks = banks }

    /// Reads a TPML_PCR_SELECTION.
    public init(from reader: inout TPMReader) throws {
        let count = try reader.u32("TPML_PCR_SELECTION.count")
        guard count <= 16 else { throw TPMError(.malformedStructure, "TPML_PCR_SELECTION.count \(count) exceeds 16") }
        var banks: [Bank] = []
        for index in 0..<Int(count) {
            let hash = TPMAlgorithm(rawValue: try reader.u16("TPMS_PCR_SELECTION[\(index)].hash"))
            let size = Int(try reader.u8("TPMS_PCR_SELECTION[\(index)].sizeofSelect"))
            let bitmap = try reader.take(size, "TPMS_PCR_SELECTION[\(index)].pcrSelect")
            banks.append(Bank(hash: hash, pcrs: Self.indices(bitmap), sizeOfSelect: size))
        }
        self.banks = banks
    }

    /// The PCR indices whose bits are set in a pcrSelect bitmap (bit i of byte j is PCR 8j+i).
    static func indices(_ bitmap: [UInt8]) -> [Int] {
        var result: [Int] = []
        for (byteIndex, byte) in bitmap.enumerated() {
            for bit in 0..<8 where byte & (1 << bit) != 0 { result.append(byteIndex * 8 + bit) }
        }
        return result
    }

    /// The marshaled TPML_PCR_SELECTION.
    public func marshal(into writer: inout TPMWriter) {
        writer.u32(UInt32(banks.count))
        for bank in banks {
            writer.u16(bank.hash.rawValue)
            writer.u8(UInt8(clamping: bank.sizeOfSelect))
            var bitmap = [UInt8](repeating: 0, count: bank.sizeOfSelect)
            for pcr in bank.pcrs where pcr / 8 < bitmap.count { bitmap[pcr / 8] |= 1 << (pcr % 8) }
            writer.append(bitmap)
        }
    }

    /// Parses tpm2-tools' selection syntax: `sha256:0,16,23+sha1:0`.
    public init?(text: String) {
        var banks: [Bank] = []
        for part in text.split(separator: "+") {
            let pieces = part.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2, let hash = TPMAlgorithm(hashName: String(pieces[0])) else { return nil }
            var pcrs: [Int] = []
            for item in pieces[1].split(separator: ",") {
                guard let pcr = Int(item), (0..<24).contains(pcr) else { return nil }
                pcrs.append(pcr)
            }
            guard !pcrs.isEmpty else { return nil }
            banks.append(Bank(hash: hash, pcrs: pcrs))
        }
        guard !banks.isEmpty else { return nil }
        self.banks = banks
    }
}
