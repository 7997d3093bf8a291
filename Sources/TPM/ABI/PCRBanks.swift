import HermeticCore

/// PCR values by bank and index, as supplied alongside a quote.
public struct PCRBanks: Sendable, Hashable {
    /// The values: bank → PCR index → digest.
    public var values: [TPMAlgorithm: [Int: [UInt8]]]

    /// Creates a value set.
    public init(_ values: [TPMAlgorithm: [Int: [UInt8]]] = [:]) { self.values = values }

    /// The value of PCR `index` in bank `hash`.
    public subscript(hash: TPMAlgorithm, index: Int) -> [UInt8]? {
        get { values[hash]?[index] }
        set { values[hash, default: [:]][index] = newValue }
    }

    /// The concatenation of the selected PCR values in selection order: what the quote's PCR digest hashes.
    ///
    /// - Throws: ``TPMError`` (`pcr_selection`) naming the first selected PCR that has no value or a value of the
    ///   wrong size for its bank.
    public func concatenation(for selection: PCRSelection) throws -> [UInt8] {
        var result: [UInt8] = []
        for bank in selection.banks {
            for pcr in bank.pcrs {
                guard let value = self[bank.hash, pcr] else {
                    throw TPMError(.pcrSelection, "the quote selects \(bank.hash):\(pcr) but no value for it was supplied")
                }
                if let size = bank.hash.digestSize, value.count != size {
                    throw TPMError(.pcrSelection, "\(bank.hash):\(pcr) has \(value.count) bytes, the bank's digests have \(size)")
                }
                result += value
            }
        }
        return result
    }

    /// Reads tpm2-tools' "serialized" PCR file (what `tpm2_quote -o` writes and `tpm2_checkquote -f` reads): the C
    /// structures in host (little-endian) layout: TPML_PCR_SELECTION (count, then 16 TPMS_PCR_SELECTION of 8 bytes),
    /// a UInt32 count of TPML_DIGEST, then that many TPML_DIGEST (count, then 8 TPM2B_DIGEST of 2 + 64 bytes).
    ///
    /// - Returns: the selection the file records and the values, assigned to the selected PCRs in order.
    /// - Throws: ``TPMError`` (`structure_format`) when the file is truncated or its counts are out of range.
    public static func readTPM2ToolsSerialized(_ bytes: [UInt8]) throws -> (PCRSelection, PCRBanks) {
        var offset = 0
        func le(_ size: Int, _ field: String) throws -> UInt64 {
            guard size >= 0, offset + size <= bytes.count else {
                throw TPMError(.malformedStructure, "PCR file: \(field) needs \(size) bytes at offset \(offset), only \(max(bytes.count - offset, 0)) remain")
            }
            defer { offset += size }
            return bytes[offset..<offset + size].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        let selectionCount = Int(try le(4, "TPML_PCR_SELECTION.count"))
        guard selectionCount <= 16 else { throw TPMError(.malformedStructure, "PCR file: selection count \(selectionCount) exceeds 16") }
        var banks: [PCRSelection.Bank] = []
        for index in 0..<16 {
            let hash = TPMAlgorithm(rawValue: UInt16(try le(2, "pcrSelections[\(index)].hash")))
            let size = Int(try le(1, "pcrSelections[\(index)].sizeofSelect"))
            guard offset + 4 <= bytes.count else { throw TPMError(.malformedStructure, "PCR file: pcrSelections[\(index)].pcrSelect truncated") }
            let bitmap = Array(bytes[offset..<offset + min(size, 4)])
            offset += 5  // four bitmap bytes and one byte of structure padding
            if index < selectionCount {
                guard size <= 4 else { throw TPMError(.malformedStructure, "PCR file: sizeofSelect \(size) exceeds 4") }
                banks.append(PCRSelection.Bank(hash: hash, pcrs: PCRSelection.indices(bitmap), sizeOfSelect: size))
            }
        }
        let selection = PCRSelection(banks)
        let digestListCount = Int(try le(4, "TPML_DIGEST count"))
        guard digestListCount <= 64 else { throw TPMError(.malformedStructure, "PCR file: \(digestListCount) digest lists is implausible") }
        var digests: [[UInt8]] = []
        for list in 0..<digestListCount {
            let count = Int(try le(4, "TPML_DIGEST[\(list)].count"))
            guard count <= 8 else { throw TPMError(.malformedStructure, "PCR file: TPML_DIGEST[\(list)].count \(count) exceeds 8") }
            for slot in 0..<8 {
                let size = Int(try le(2, "TPML_DIGEST[\(list)].digests[\(slot)].size"))
                guard size <= 64, offset + 64 <= bytes.count else {
                    throw TPMError(.malformedStructure, "PCR file: TPML_DIGEST[\(list)].digests[\(slot)] is truncated or larger than 64 bytes")
                }
                if slot < count { digests.append(Array(bytes[offset..<offset + size])) }
                offset += 64
            }
        }
        guard offset == bytes.count else { throw TPMError(.malformedStructure, "PCR file has \(bytes.count - offset) trailing bytes") }
        var values = PCRBanks()
        var next = 0
        for bank in selection.banks {
            for pcr in bank.pcrs {
                guard next < digests.count else {
                    throw TPMError(.malformedStructure, "PCR file selects more PCRs than the \(digests.count) digests it holds")
                }
                values[bank.hash, pcr] = digests[next]
                next += 1
            }
        }
        return (selection, values)
    }

    /// Writes tpm2-tools' "serialized" PCR file for the given selection (the inverse of ``readTPM2ToolsSerialized(_:)``).
    public func tpm2ToolsSerialized(for selection: PCRSelection) throws -> [UInt8] {
        var out: [UInt8] = []
        func le(_ value: UInt64, _ size: Int) { for i in 0..<size { out.append(UInt8(truncatingIfNeeded: value >> (8 * i))) } }
        le(UInt64(selection.banks.count), 4)
        for index in 0..<16 {
            if index < selection.banks.count {
                let bank = selection.banks[index]
                le(UInt64(bank.hash.rawValue), 2)
                le(UInt64(bank.sizeOfSelect), 1)
                var bitmap = [UInt8](repeating: 0, count: 4)
                for pcr in bank.pcrs where pcr / 8 < 4 { bitmap[pcr / 8] |= 1 << (pcr % 8) }
                out += bitmap + [0]
            } else {
                out += [UInt8](repeating: 0, count: 8)
            }
        }
        var digests: [[UInt8]] = []
        for bank in selection.banks {
            for pcr in bank.pcrs {
                guard let value = self[bank.hash, pcr] else { throw TPMError(.pcrSelection, "no value for \(bank.hash):\(pcr)") }
                digests.append(value)
            }
        }
        let lists = stride(from: 0, to: digests.count, by: 8).map { Array(digests[$0..<min($0 + 8, digests.count)]) }
        le(UInt64(lists.count), 4)
        for list in lists {
            le(UInt64(list.count), 4)
            for slot in 0..<8 {
                let digest = slot < list.count ? list[slot] : []
                le(UInt64(digest.count), 2)
                out += digest + [UInt8](repeating: 0, count: 64 - min(digest.count, 64))
            }
        }
        return out
    }

    /// The values as JSON: bank name → PCR index (decimal string) → hex.
    public var json: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: values.map { bank, pcrs in
            (bank.description, JSONValue.object(Dictionary(uniqueKeysWithValues: pcrs.map { (String($0.key), JSONValue.string(Hex.encode($0.value))) })))
        }))
    }
}
