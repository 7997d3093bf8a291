#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

extension TPMEvidence {
    /// Reads TPM evidence in any of the forms this verifier accepts:
    ///
    /// - Trustee's `tpm` evidence JSON: `ak_public` (base64 SPKI DER) and `tpm_quote` with base64 `message`
    ///   (TPMS_ATTEST) and `signature` (TPMT_SIGNATURE) and `pcrs` (24 SHA-256 values in hex);
    /// - Hermetic's quote JSON (what `hermetic tpm quote` writes): base64 `attest` and `signature`, `pcrs` as
    ///   bank → index → hex, optional base64 `ak_public` (TPM2B_PUBLIC or SPKI) and `event_log`;
    /// - go-tpm-tools' `attest.Attestation` protobuf (AK public area, quotes per bank, event log, AK certificate).
    ///
    /// - Throws: ``TPMError`` (`evidence_format` or `structure_format`) naming what does not parse.
    public static func parse(_ bytes: [UInt8]) throws -> TPMEvidence {
        let firstNonSpace = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if firstNonSpace == UInt8(ascii: "{") {
            let json: JSONValue
            do { json = try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) } catch {
                throw TPMError(.malformedEvidence, "evidence is not valid JSON: \(error)")
            }
            if json["tpm_quote"] != nil { return try trustee(json) }
            if json["attest"] != nil { return try hermetic(json) }
            throw TPMError(.malformedEvidence, "JSON evidence has neither tpm_quote (Trustee) nor attest (Hermetic)")
        }
        return try goTPMTools(bytes)
    }

    /// Reads tpm2-tools' output files: `tpm2_quote -m` (TPMS_ATTEST), `-s` (TPMT_SIGNATURE, "tss" format) and
    /// `-o` (the "serialized" PCR file).
    ///
    /// The signature may also be `-f plain`; its algorithm then comes from `key` (see ``Signature/init(tssOrPlain:key:)``).
    public static func tpm2Tools(message: [UInt8], signature: [UInt8], pcrs: [UInt8], key: AttestationKey? = nil) throws -> TPMEvidence {
        let (_, values) = try PCRBanks.readTPM2ToolsSerialized(pcrs)
        return TPMEvidence(quotes: [TPMQuote(attest: try Attest(bytes: message), signature: try Signature(tssOrPlain: signature, key: key), pcrs: values)])
    }

    static func base64Field(_ json: JSONValue?, _ name: String) throws -> [UInt8] {
        guard let text = json?.stringValue else { throw TPMError(.malformedEvidence, "\(name) is missing or not a string") }
        guard let bytes = Base64.decode(text) else { throw TPMError(.malformedEvidence, "\(name) is not base64") }
        return bytes
    }

    static func trustee(_ json: JSONValue) throws -> TPMEvidence {
        let quote = json["tpm_quote"]
        let message = try base64Field(quote?["message"], "tpm_quote.message")
        let signature = try base64Field(quote?["signature"], "tpm_quote.signature")
        guard let list = quote?["pcrs"]?.arrayValue else { throw TPMError(.malformedEvidence, "tpm_quote.pcrs is missing or not an array") }
        var pcrs = PCRBanks()
        for (index, item) in list.enumerated() {
            guard let text = item.stringValue, let value = Hex.decode(text), value.count == 32 else {
                throw TPMError(.malformedEvidence, "tpm_quote.pcrs[\(index)] is not 32 bytes of hex")
            }
            pcrs[.sha256, index] = value
        }
        let key = try AttestationKey(spki: try base64Field(json["ak_public"], "ak_public"))
        return TPMEvidence(quotes: [try TPMQuote(attest: message, signature: signature, pcrs: pcrs)], attestationKey: key)
    }

    static func hermetic(_ json: JSONValue) throws -> TPMEvidence {
        let attest = try base64Field(json["attest"], "attest")
        let signature = try base64Field(json["signature"], "signature")
        guard let banks = json["pcrs"]?.objectValue else { throw TPMError(.malformedEvidence, "pcrs is missing or not an object") }
        var pcrs = PCRBanks()
        for (name, values) in banks {
            guard let hash = TPMAlgorithm(hashName: name), let values = values.objectValue else {
                throw TPMError(.malformedEvidence, "pcrs.\(name) is not a known bank of index → hex values")
            }
            for (index, value) in values {
                guard let pcr = Int(index), let text = value.stringValue, let digest = Hex.decode(text) else {
                    throw TPMError(.malformedEvidence, "pcrs.\(name).\(index) is not an index with a hex value")
                }
                pcrs[hash, pcr] = digest
            }
        }
        var key: AttestationKey?
        if json["ak_public"] != nil {
            do { key = try AttestationKey(file: try base64Field(json["ak_public"], "ak_public")) } catch let error as TPMError {
                throw TPMError(.malformedEvidence, "ak_public: \(error.message)")
            }
        }
        let eventLog = json["event_log"] != nil ? try base64Field(json["event_log"], "event_log") : nil
        return TPMEvidence(quotes: [try TPMQuote(attest: attest, signature: signature, pcrs: pcrs)], attestationKey: key, eventLog: eventLog)
    }

    static func goTPMTools(_ bytes: [UInt8]) throws -> TPMEvidence {
        var evidence = TPMEvidence(quotes: [])
        for (number, value) in try ProtobufReader.fields(bytes, "Attestation") {
            guard case .bytes(let field) = value else { continue }
            switch number {
            case 1:
                do { evidence.attestationKey = try AttestationKey(publicArea: try PublicArea(bytes: field)) } catch let error as TPMError {
                    throw TPMError(.malformedEvidence, "Attestation.ak_pub: \(error.message)")
                }
            case 2: evidence.quotes.append(try goQuote(field))
            case 3: evidence.eventLog = field
            case 6: evidence.akCertificate = field
            case 7: evidence.intermediates.append(field)
            default: continue
            }
        }
        guard !evidence.quotes.isEmpty else {
            throw TPMError(.malformedEvidence, "evidence is not JSON and not a go-tpm-tools Attestation with quotes")
        }
        return evidence
    }

    static func goQuote(_ bytes: [UInt8]) throws -> TPMQuote {
        var attest: [UInt8]?, signature: [UInt8]?
        var pcrs = PCRBanks()
        for (number, value) in try ProtobufReader.fields(bytes, "Quote") {
            guard case .bytes(let field) = value else { continue }
            switch number {
            case 1: attest = field
            case 2: signature = field
            case 3:
                var hash: TPMAlgorithm?
                var entries: [(Int, [UInt8])] = []
                for (inner, innerValue) in try ProtobufReader.fields(field, "PCRs") {
                    switch (inner, innerValue) {
                    case (1, .varint(let id)): hash = TPMAlgorithm(rawValue: UInt16(truncatingIfNeeded: id))
                    case (2, .bytes(let entry)):
                        var index = 0, digest: [UInt8] = []
                        for (key, entryValue) in try ProtobufReader.fields(entry, "PCRs.pcrs") {
                            if key == 1, case .varint(let i) = entryValue { index = Int(truncatingIfNeeded: i) }
                            if key == 2, case .bytes(let d) = entryValue { digest = d }
                        }
                        entries.append((index, digest))
                    default: continue
                    }
                }
                guard let hash else { throw TPMError(.malformedEvidence, "Quote.pcrs has no hash") }
                for (index, digest) in entries { pcrs[hash, index] = digest }
            default: continue
            }
        }
        guard let attest, let signature else { throw TPMError(.malformedEvidence, "Quote lacks quote or raw_sig") }
        return try TPMQuote(attest: attest, signature: signature, pcrs: pcrs)
    }

    /// Hermetic's quote JSON for this evidence's first quote (the form `hermetic tpm quote` writes).
    public func hermeticJSON() throws -> JSONValue {
        guard let quote = quotes.first else { throw TPMError(.malformedEvidence, "no quote") }
        var object: [String: JSONValue] = [
            "attest": .string(Base64.encode(quote.attest.bytes)),
            "signature": .string(Base64.encode(quote.signature.marshaled)),
            "pcrs": quote.pcrs.json,
        ]
        if let key = attestationKey { object["ak_public"] = .string(Base64.encode(key.publicArea?.sizedBytes ?? key.spki)) }
        if let eventLog { object["event_log"] = .string(Base64.encode(eventLog)) }
        return .object(object)
    }
}
