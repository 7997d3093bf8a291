extension TPMClient {
    /// The whole attester flow: create the AK as a primary key in the endorsement hierarchy, quote `selection`
    /// with `nonce`, read the PCR values, flush the AK. The evidence names the AK by its public area.
    ///
    /// - Throws: ``TPMError`` (`command`) naming the command that failed.
    public func attest(ak template: KeyTemplate = .akRSA, nonce: [UInt8], selection: PCRSelection) throws -> TPMEvidence {
        let ak = try createPrimary(template)
        defer { try? flushContext(ak.handle) }
        let quote = try quote(key: ak.handle, nonce: nonce, selection: selection)
        let values = try pcrRead(selection)
        let evidence = TPMEvidence(
            quotes: [TPMQuote(attest: try Attest(bytes: quote.attest), signature: quote.signature, pcrs: values)],
            attestationKey: try AttestationKey(publicArea: ak.publicArea)
        )
        return evidence
    }
}

extension TPMEvidence {
    /// The first quote as tpm2-tools' files: TPMS_ATTEST (`tpm2_quote -m`), TPMT_SIGNATURE (`-s`, "tss" format)
    /// and the serialized PCR file (`-o`), which `tpm2_checkquote` reads.
    public func tpm2ToolsFiles() throws -> (message: [UInt8], signature: [UInt8], pcrs: [UInt8]) {
        guard let quote = quotes.first else { throw TPMError(.malformedEvidence, "no quote") }
        return (quote.attest.bytes, quote.signature.marshaled, try quote.pcrs.tpm2ToolsSerialized(for: quote.attest.pcrSelection))
    }
}
