#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

extension PCRBanks {
    /// Reads PCR values from a file in any of the forms people have them:
    ///
    /// - JSON: `{"sha256": {"0": "hex", …}}`, or the same under `"banks"` (as the vector set's `expected_pcrs.json`),
    ///   or under `"pcrs"` (Hermetic's quote JSON);
    /// - text lines `PCR_SHA256_0 HEX` (as a guest reads them from sysfs) or `sha256:0 HEX`;
    /// - `tpm2_pcrread` output (`sha256:` then `  0 : 0x…`);
    /// - tpm2-tools' serialized binary PCR file.
    ///
    /// - Throws: ``TPMError`` (`structure_format`) when the file is none of these, naming the line that is not.
    public static func read(file bytes: [UInt8]) throws -> PCRBanks {
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            return try readTPM2ToolsSerialized(bytes).1
        }
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("{") {
            guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
                throw TPMError(.malformedStructure, "PCR file is not valid JSON")
            }
            return try fromJSON(json["banks"] ?? json["pcrs"] ?? json)
        }
        var values = PCRBanks()
        var bank: TPMAlgorithm?
        for (number, rawLine) in text.split(whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingWhitespace(newlines: false)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasSuffix(":"), let hash = TPMAlgorithm(hashName: String(line.dropLast())) {
                bank = hash
                continue
            }
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" || $0 == "=" }).map(String.init)
            var hash: TPMAlgorithm?, index: Int?, hex: String?
            if parts.count == 2, parts[0].uppercased().hasPrefix("PCR_") {
                let fields = parts[0].split(separator: "_")
                if fields.count == 3 { hash = TPMAlgorithm(hashName: String(fields[1])); index = Int(fields[2]) }
                hex = parts[1]
            } else if parts.count == 3, let named = TPMAlgorithm(hashName: parts[0]) {
                (hash, index, hex) = (named, Int(parts[1]), parts[2])
            } else if parts.count == 2, let current = bank {
                (hash, index, hex) = (current, Int(parts[0]), parts[1])
            }
            let digits = hex.map { $0.hasPrefix("0x") || $0.hasPrefix("0X") ? String($0.dropFirst(2)) : $0 }
            guard let hash, let index, let digits, let value = Hex.decode(digits.lowercased()), value.count == hash.digestSize else {
                throw TPMError(.malformedStructure, "PCR file line \(number + 1) is not a PCR value: \(line.prefix(80))")
            }
            values[hash, index] = value
        }
        guard !values.values.isEmpty else { throw TPMError(.malformedStructure, "PCR file holds no values") }
        return values
    }

    static func fromJSON(_ json: JSONValue) throws -> PCRBanks {
        guard let banks = json.objectValue else { throw TPMError(.malformedStructure, "PCR JSON is not an object of banks") }
        var values = PCRBanks()
        for (name, entries) in banks {
            guard let hash = TPMAlgorithm(hashName: name) else { continue }
            guard let entries = entries.objectValue else { throw TPMError(.malformedStructure, "PCR JSON bank \(name) is not an object") }
            for (index, value) in entries {
                guard let pcr = Int(index), let text = value.stringValue, let digest = Hex.decode(text.lowercased()), digest.count == hash.digestSize else {
                    throw TPMError(.malformedStructure, "PCR JSON \(name).\(index) is not a \(hash.digestSize ?? 0)-byte hex value")
                }
                values[hash, pcr] = digest
            }
        }
        guard !values.values.isEmpty else { throw TPMError(.malformedStructure, "PCR JSON holds no known bank") }
        return values
    }
}
